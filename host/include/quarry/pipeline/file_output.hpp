#pragma once
//! \file
//! Writing a run's final stream to a file under the output root: the `output`
//! argument ({path, overwrite?, delimiter?, decimal?}) of `pipeline_run` and of transforming
//! tools.

#include "quarry/exec/executor.hpp"
#include "quarry/io/sink.hpp"
#include "quarry/pipeline/environment.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace quarry::pipeline {

//! The JSON Schema of the `output` argument, described for `purpose`.
[[nodiscard]] nlohmann::json output_property(std::string_view purpose);

//! Receives the final stream and writes it atomically (a temporary file renamed on
//! commit), opening the file on the first chunk, whose schema may differ from the
//! input's after transforming stages. A run that fails leaves no file behind.
class FileOutput final : public exec::ChunkSink {
 public:
  //! Resolves `output` ({path, overwrite?, delimiter?, decimal?}) under the output root;
  //! throws sandbox::SandboxError or io::OutputError (the file exists and overwrite is not
  //! set, a delimiter that cannot be one, decimal ',' for a format without text numbers) with
  //! a message for the user, before any data is read. The file gets `input`'s schema when no
  //! chunk arrives, and writes the timestamp columns `input` read from dates alone as dates.
  FileOutput(const nlohmann::json& output, const Environment& environment, const io::Source& input);

  [[nodiscard]] std::shared_ptr<const io::EncodedChunk> encode(
      const io::Chunk& chunk) const override;
  void write(const io::Chunk& chunk, const io::EncodedChunk* encoded) override;
  void commit() override;
  //! Drops the temporary file written so far; the next chunk opens a new one.
  void restart(const io::Source& input) override;

  //! Rows written so far.
  [[nodiscard]] std::uint64_t rows() const { return sink_ ? sink_->rows_written() : 0; }
  //! {path (as the caller gave it), rows} for results.
  [[nodiscard]] nlohmann::json describe() const;

 private:
  std::string requested_path_;
  std::filesystem::path destination_;
  io::Schema fallback_;
  io::SinkOptions options_;
  //! Formats chunks ahead of the in-order write; null for SQLite.
  std::unique_ptr<io::ChunkEncoder> encoder_;
  std::unique_ptr<io::Sink> sink_;
};

}  // namespace quarry::pipeline
