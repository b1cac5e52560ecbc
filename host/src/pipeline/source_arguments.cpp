#include "quarry/pipeline/source_arguments.hpp"

#include "quarry/filter/row_filter.hpp"

#include "quarry/io/open_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

using ColumnTypes = std::map<std::string, io::ColumnType, std::less<>>;

ColumnTypes column_types(const json& source) {
  ColumnTypes types;
  const json requested = source.value("column_types", json::object());
  for (const auto& [name, type] : requested.items()) {
    const auto parsed = io::parse_column_type(type.get<std::string>());
    if (!parsed) {
      throw io::InputError(
          fmt::format("column_types.{} = \"{}\" is not a type", name, type.get<std::string>()),
          "use one of int64, float64, bool, string, timestamp");
    }
    types[name] = *parsed;
  }
  return types;
}

//! The one-byte CSV character `name` of `source` ("" = none); the schema counts characters,
//! so a typographic quote or a full-width comma would otherwise be cut to its first byte.
char csv_character(const json& source, const char* name) {
  const auto text = source[name].get<std::string>();
  if (text.size() > 1) {
    throw io::InputError(fmt::format("{} \"{}\" is not a single-byte character", name, text),
                         std::string(name) == "quote"
                             ? "pass an ASCII character such as \"\\\"\" or \"'\", or \"\" for none"
                             : "pass an ASCII character such as \",\", \";\", \"|\" or a TAB");
  }
  return text.empty() ? '\0' : text[0];
}

//! An input format: its value of the "format" argument, its name in messages, and the
//! arguments only it reads.
struct FormatInfo {
  io::SourceFormat format;
  const char* argument;
  const char* name;
  std::vector<const char*> own_arguments;
};

const std::vector<FormatInfo>& formats() {
  static const std::vector<FormatInfo> table = {
      {io::SourceFormat::kCsv,
       "csv",
       "CSV",
       {"delimiter", "quote", "header", "skip_lines", "decimal", "thousands", "null_values",
        "encoding"}},
      {io::SourceFormat::kJsonl, "jsonl", "JSON Lines", {}},
      {io::SourceFormat::kJson, "json", "JSON", {}},
      {io::SourceFormat::kSqlite, "sqlite", "SQLite", {"table", "query"}}};
  return table;
}

const FormatInfo& info_of(io::SourceFormat format) {
  return *std::find_if(formats().begin(), formats().end(),
                       [format](const FormatInfo& info) { return info.format == format; });
}

io::SourceOptions reader_options(const json& source, const Environment& environment,
                                 io::ReadHooks hooks, std::vector<std::string> only_columns) {
  io::SourceOptions options;
  const std::string format = source.value("format", "");
  for (const FormatInfo& info : formats()) {
    if (format == info.argument) options.format = info.format;
  }
  const auto chunk_bytes =
      static_cast<std::size_t>(exec::plan_flow(environment.run.memory_budget_bytes,
                                               environment.run.threads, environment.run.chunk_bytes)
                                   .chunk_bytes);
  const std::string bad_rows = source.value("on_bad_rows", "error");
  auto& csv = options.csv;
  if (source.contains("delimiter")) csv.delimiter = csv_character(source, "delimiter");
  if (source.contains("quote")) csv.quote = csv_character(source, "quote");
  csv.header = source.value("header", true);
  csv.skip_lines = source.value("skip_lines", std::uint32_t{0});
  csv.decimal = source.value("decimal", ".") == "," ? ',' : '.';  // the schema allows only these
  if (source.contains("thousands")) csv.thousands = csv_character(source, "thousands");
  // (The schema allows only the names parse_text_encoding reads.)
  csv.encoding =
      io::parse_text_encoding(source.value("encoding", "utf-8")).value_or(io::TextEncoding::kUtf8);
  if (source.contains("null_values")) {
    csv.null_values = source["null_values"].get<std::vector<std::string>>();
  }
  csv.column_types = column_types(source);
  csv.chunk_bytes = chunk_bytes;
  csv.sample_typing_min_bytes = environment.sample_typing_min_bytes;
  csv.only_columns = std::move(only_columns);
  csv.threads = environment.run.threads != 0 ? environment.run.threads
                                             : std::max(1U, std::thread::hardware_concurrency());
  csv.on_ragged_row = bad_rows == "skip"  ? io::RaggedRowPolicy::kSkip
                      : bad_rows == "pad" ? io::RaggedRowPolicy::kPadOrTruncate
                                          : io::RaggedRowPolicy::kError;
  csv.limits = environment.limits;
  csv.hooks = hooks;
  csv.column_cache = environment.column_cache;
  auto& jsonl = options.jsonl;
  jsonl.column_types = csv.column_types;
  jsonl.only_columns = csv.only_columns;
  jsonl.chunk_bytes = chunk_bytes;
  jsonl.on_malformed_line =
      bad_rows == "error" ? io::MalformedLinePolicy::kError : io::MalformedLinePolicy::kSkip;
  jsonl.limits = environment.limits;
  jsonl.hooks = hooks;
  auto& sqlite = options.sqlite;
  sqlite.table = source.value("table", "");
  sqlite.query = source.value("query", "");
  sqlite.column_types = csv.column_types;
  sqlite.limits = environment.limits;
  sqlite.hooks = hooks;
  sqlite.only_columns = csv.only_columns;
  options.scratch_directory = environment.run.spill_directory;
  return options;
}

//! Refuses an argument that the format `path` is read as does not read (a delimiter for a
//! JSON Lines file): ignored, it would leave the user believing it applied.
void check_arguments_fit_format(const json& source, const std::filesystem::path& path,
                                const io::SourceOptions& options) {
  const std::optional<io::SourceFormat> format =
      options.format ? options.format : io::format_for(path);
  if (!format) return;  // opening the file names the problem
  for (const FormatInfo& other : formats()) {
    if (other.format == *format) continue;
    for (const char* name : other.own_arguments) {
      if (!source.contains(name)) continue;
      throw io::InputError(fmt::format("{} applies to {} input, but {} is read as {}", name,
                                       other.name, path.filename().string(), info_of(*format).name),
                           fmt::format("leave {} out, or pass format \"{}\" if the file is {}",
                                       name, other.argument, other.name));
    }
  }
}

}  // namespace

const json& source_properties() {
  static const json properties = json::parse(R"({
    "path": {"type": "string", "minLength": 1,
             "description": "Input file under a data root: CSV/TSV, JSON Lines (.jsonl), JSON (.json: an array of records) or SQLite (.sqlite/.db). Relative paths start at the first data root."},
    "format": {"type": "string", "enum": ["csv", "jsonl", "json", "sqlite"],
               "description": "Overrides the format chosen from the file extension."},
    "delimiter": {"type": "string", "minLength": 1, "maxLength": 1,
                  "description": "CSV field separator; detected among , ; TAB | when omitted."},
    "quote": {"type": "string", "maxLength": 1,
              "description": "CSV quote character (default \"); \"\" turns quoting off, so quotes are read as ordinary text (a stray 5\" in a field)."},
    "header": {"type": "boolean", "description": "CSV: the first row names the columns (default true)."},
    "skip_lines": {"type": "integer", "minimum": 0, "maximum": 1000,
                   "description": "CSV: lines above the header to pass over (a title, notes, export metadata); default 0."},
    "decimal": {"type": "string", "enum": [".", ","],
                "description": "CSV decimal separator (default \".\"). \",\" reads European numbers such as 1234,5 (then 1.234 is text, and the delimiter is usually \";\")."},
    "thousands": {"type": "string", "enum": [".", ",", " ", "'"],
                  "description": "CSV thousands separator of numbers (default none): \".\" with decimal \",\" reads 1.234.567,89 as 1234567.89; \",\" reads \"1,234.5\" as 1234.5. Only groups of three digits are read so."},
    "encoding": {"type": "string", "enum": ["utf-8", "windows-1252", "latin-1"],
                 "description": "CSV text encoding (default utf-8). windows-1252 reads the \"ANSI\" CSV Excel saves on Western Windows (é as one byte, € as 0x80); latin-1 is ISO-8859-1. The input notes suggest it when a file is not valid UTF-8."},
    "null_values": {"type": "array", "items": {"type": "string"}, "maxItems": 100,
                    "description": "CSV: texts read as null, replacing the defaults NA, N/A, n/a, #N/A, <NA>, null, NULL, None (the empty field is always null), e.g. [\"-\", \"NA\", \"-999\"]."},
    "table": {"type": "string", "description": "SQLite: the table or view to read (may be left out when the database has only one)."},
    "query": {"type": "string", "description": "SQLite: one read-only SELECT statement to read instead of a table."},
    "column_types": {"type": "object",
                     "additionalProperties": {"type": "string", "enum": ["int64", "float64", "bool", "string", "timestamp"]},
                     "description": "Force column types by name; values that do not fit become null and are counted."},
    "where": {"type": "string", "minLength": 1,
              "description": "Keep only rows matching this condition, e.g. price > 100 and region == 'EU'. Columns by name (\"quoted name\" or `quoted name` for others), numbers, 'text', true/false/null; + - * / %; == != < <= > >=; and, or, not; is [not] null; [not] in (...); [not] between a and b; [not] like 'A%_' (% any run, _ one character); contains, starts_with, ends_with; timestamps compare with '2024-03-01'. Rows where the condition is null do not match."},
    "on_bad_rows": {"type": "string", "enum": ["error", "skip", "pad"],
                    "description": "Rows with the wrong number of fields: fail naming the line (default), skip and count them, or pad/truncate them."}
  })");
  return properties;
}

std::vector<std::shared_ptr<exec::Stage>> source_stages(const json& source) {
  std::vector<std::shared_ptr<exec::Stage>> stages;
  if (source.contains("where")) stages.push_back(filter::make_filter_stage(source["where"]));
  return stages;
}

SplitArguments split_arguments(const json& arguments) {
  SplitArguments split;
  for (const auto& [key, value] : arguments.items()) {
    (source_properties().contains(key) ? split.source : split.tool)[key] = value;
  }
  return split;
}

std::unique_ptr<io::Source> open_input(const json& source, const Environment& environment,
                                       tools::CallContext& context,
                                       std::vector<std::string> only_columns) {
  const auto path = environment.sandbox.resolve_input(source.value("path", ""));
  std::error_code unknown_size;  // progress then has no total; the reader reports the real error
  const auto size = std::filesystem::file_size(path, unknown_size);
  io::ReadHooks hooks;
  hooks.is_cancelled = [&context] { return context.cancelled(); };
  hooks.on_scan_progress = [&context, size](std::uint64_t done, std::uint64_t) {
    context.progress(static_cast<double>(done), 2.0 * static_cast<double>(size),
                     "inferring column types");
  };
  io::SourceOptions options = reader_options(source, environment, hooks, std::move(only_columns));
  check_arguments_fit_format(source, path, options);
  return io::open_source(path, std::move(options));
}

json describe_input(const std::string& path, const io::Source& source, std::uint64_t rows) {
  json columns = json::array();
  for (const auto& field : source.schema().fields()) {
    columns.push_back({{"name", field.name}, {"type", io::to_string(field.type)}});
  }
  const auto report = source.report();
  json coerced = json::array();
  for (const auto& column : report.columns) {
    if (column.coerced_to_null == 0 && column.invalid_utf8_replaced == 0 && column.notes.empty())
      continue;
    json entry = {{"column", column.name},
                  {"coerced_to_null", column.coerced_to_null},
                  {"invalid_utf8_replaced", column.invalid_utf8_replaced},
                  {"notes", column.notes}};
    json examples = json::array();
    for (const auto& example : column.examples) {
      examples.push_back(
          {{"line", example.line}, {"value", example.value}, {"reason", example.reason}});
    }
    entry["examples"] = std::move(examples);
    coerced.push_back(std::move(entry));
  }
  json out = {{"path", path},
              {"rows", rows},
              {"bytes", report.bytes_read},
              {"columns", std::move(columns)}};
  if (!coerced.empty()) out["coerced"] = std::move(coerced);
  if (report.malformed_rows_skipped > 0)
    out["malformed_rows_skipped"] = report.malformed_rows_skipped;
  if (report.rows_padded_or_truncated > 0)
    out["rows_padded_or_truncated"] = report.rows_padded_or_truncated;
  if (!report.notes.empty()) out["notes"] = report.notes;
  if (!report.projection.empty()) out["projection"] = report.projection;
  return out;
}

std::string input_notes_text(const json& input, std::size_t max_items) {
  std::vector<std::string> items;
  const auto count = [&](const char* key) { return input.value(key, std::uint64_t{0}); };
  if (const auto skipped = count("malformed_rows_skipped"); skipped > 0) {
    items.push_back(fmt::format("{} malformed row{} skipped", skipped, skipped == 1 ? "" : "s"));
  }
  if (const auto fitted = count("rows_padded_or_truncated"); fitted > 0) {
    items.push_back(fmt::format("{} row{} padded or truncated to the header's width", fitted,
                                fitted == 1 ? "" : "s"));
  }
  for (const auto& note : input.value("notes", json::array())) items.push_back(note);
  for (const auto& column : input.value("coerced", json::array())) {
    const std::string name = column.value("column", "");
    if (const auto nulls = column.value("coerced_to_null", std::uint64_t{0}); nulls > 0) {
      std::string item =
          fmt::format("column '{}': {} value{} read as null", name, nulls, nulls == 1 ? "" : "s");
      const json examples = column.value("examples", json::array());
      if (!examples.empty()) {
        const json& first = examples.front();
        item += fmt::format(" (first: {}{})", first.value("reason", ""),
                            first.value("line", 0) > 0
                                ? fmt::format(" on line {}", first.value("line", 0))
                                : std::string());
      }
      items.push_back(std::move(item));
    }
    if (const auto replaced = column.value("invalid_utf8_replaced", std::uint64_t{0});
        replaced > 0) {
      items.push_back(fmt::format(
          "column '{}': {} invalid UTF-8 sequence{} replaced by U+FFFD (for a CSV file in a "
          "single-byte encoding, as Excel's \"ANSI\" CSV is, pass encoding \"windows-1252\" "
          "or \"latin-1\")",
          name, replaced, replaced == 1 ? "" : "s"));
    }
    for (const auto& note : column.value("notes", json::array())) {
      items.push_back(fmt::format("column '{}': {}", name, note.get<std::string>()));
    }
  }
  if (items.empty()) return {};
  std::string text = "Input notes:";
  const std::size_t shown = std::min(items.size(), max_items);
  for (std::size_t i = 0; i < shown; ++i) text += "\n- " + items[i];
  if (shown < items.size()) {
    text += fmt::format("\n- … {} more in the structured result's \"input\"", items.size() - shown);
  }
  return text;
}

}  // namespace quarry::pipeline
