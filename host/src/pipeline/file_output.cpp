#include "quarry/pipeline/file_output.hpp"

#include "quarry/io/error.hpp"

#include <fmt/format.h>

namespace quarry::pipeline {

nlohmann::json output_property(std::string_view purpose) {
  return {{"type", "object"},
          {"description",
           fmt::format("{} to this file under the output root (.csv, .tsv, .jsonl or .sqlite), "
                       "written atomically. An existing file is refused unless overwrite is true.",
                       purpose)},
          {"properties",
           {{"path", {{"type", "string"}, {"minLength", 1}}},
            {"overwrite", {{"type", "boolean"}, {"default", false}}},
            {"delimiter",
             {{"type", "string"},
              {"minLength", 1},
              {"maxLength", 1},
              {"description",
               "CSV field separator; default ',' (TAB for .tsv, ';' when decimal is ',')"}}},
            {"decimal",
             {{"type", "string"},
              {"enum", {".", ","}},
              {"default", "."},
              {"description",
               "decimal point of floats in CSV/TSV output: ',' writes 12,5 (European "
               "spreadsheets); JSON Lines and SQLite store numbers as numbers"}}}}},
          {"required", {"path"}},
          {"additionalProperties", false}};
}

FileOutput::FileOutput(const nlohmann::json& output, const Environment& environment,
                       const io::Source& input)
    : requested_path_(output.value("path", "")),
      destination_(environment.sandbox.resolve_output(requested_path_)),
      fallback_(input.schema()) {
  options_.overwrite = output.value("overwrite", false);
  options_.timestamp_texts = io::timestamp_texts(input.report());
  options_.decimal = output.value("decimal", ".") == "," ? ',' : '.';
  if (output.contains("delimiter")) {
    const std::string delimiter = output.at("delimiter").get<std::string>();
    if (delimiter.size() != 1) {
      throw io::OutputError(fmt::format(
          "output.delimiter {} is not a single-byte character; use e.g. \",\", \";\" or \"\\t\"",
          output.at("delimiter").dump()));
    }
    options_.delimiter = delimiter[0];  // the CSV writer checks that it can separate fields
  }
  if (!options_.overwrite && std::filesystem::exists(destination_)) {
    throw io::OutputError(
        fmt::format("{} already exists; set output.overwrite to true to replace it, or choose "
                    "another path",
                    requested_path_));
  }
  encoder_ = io::open_encoder(destination_, options_);  // also refuses unknown file types now
}

std::shared_ptr<const io::EncodedChunk> FileOutput::encode(const io::Chunk& chunk) const {
  if (!encoder_) return nullptr;
  return std::make_shared<const io::EncodedChunk>(encoder_->encode(chunk));
}

void FileOutput::write(const io::Chunk& chunk, const io::EncodedChunk* encoded) {
  if (!sink_) sink_ = io::open_sink(destination_, chunk.schema(), options_);
  if (encoded != nullptr) {
    sink_->write(chunk, *encoded);
  } else {
    sink_->write(chunk);
  }
}

void FileOutput::commit() {
  if (!sink_) sink_ = io::open_sink(destination_, fallback_, options_);
  sink_->commit();
}

void FileOutput::restart(const io::Source& input) {
  sink_.reset();  // an uncommitted sink removes its temporary file
  fallback_ = input.schema();
  options_.timestamp_texts = io::timestamp_texts(input.report());
  encoder_ = io::open_encoder(destination_, options_);
}

nlohmann::json FileOutput::describe() const {
  return {{"path", requested_path_}, {"rows", rows()}};
}

}  // namespace quarry::pipeline
