//! The JSON Lines sink and its encoder (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/encoders.hpp"
#include "io/detail/value_format.hpp"

#include <cmath>
#include <stdexcept>

namespace quarry::io {
namespace {

class JsonlEncoder final : public ChunkEncoder {
 public:
  explicit JsonlEncoder(std::map<std::string, TimestampText> timestamp_texts)
      : timestamp_texts_(std::move(timestamp_texts)) {}

  [[nodiscard]] EncodedChunk encode(const Chunk& chunk) const override {
    const std::size_t columns = chunk.num_columns();
    const std::vector<TimestampText> texts = timestamp_texts_of(chunk.schema(), timestamp_texts_);
    std::vector<std::string> keys;  // `{"name":` and `,"name":`
    for (std::size_t c = 0; c < columns; ++c) {
      std::string key = c == 0 ? "{" : ",";
      detail::append_json_string(key, chunk.schema()[c].name);
      key += ':';
      keys.push_back(std::move(key));
    }
    EncodedChunk encoded;
    encoded.replaced.assign(columns, 0);
    for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
      for (std::size_t c = 0; c < columns; ++c) {
        encoded.bytes += keys[c];
        append_value(encoded, chunk.column(c), r, c, texts[c]);
      }
      encoded.bytes += columns == 0 ? "{}\n" : "}\n";
    }
    encoded.rows = static_cast<std::uint64_t>(chunk.num_rows());
    return encoded;
  }

 private:
  static void append_value(EncodedChunk& encoded, const Column& column, std::int64_t r,
                           std::size_t c, TimestampText text) {
    std::string& out = encoded.bytes;
    if (column.is_null(r)) {
      out += "null";
      return;
    }
    const auto row = static_cast<std::size_t>(r);
    switch (column.type()) {
      case ColumnType::kInt64:
        return detail::append_int64(out, column.int64_values()[row]);
      case ColumnType::kFloat64: {
        const double value = column.float64_values()[row];
        if (std::isfinite(value)) return detail::append_float64(out, value, false);
        ++encoded.replaced[c];
        out += "null";
        return;
      }
      case ColumnType::kBool:
        out += column.bool_value(r) ? "true" : "false";
        return;
      case ColumnType::kTimestamp:
        out += '"';
        detail::append_timestamp(out, column.int64_values()[row], text);
        out += '"';
        return;
      case ColumnType::kString:
        return detail::append_json_string(out, column.string_value(r));
    }
  }

  std::map<std::string, TimestampText> timestamp_texts_;
};

class JsonlSink final : public Sink {
 public:
  JsonlSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)),
        encoder_(options.timestamp_texts),
        output_(destination, options.overwrite),
        non_finite_(schema_.size(), 0) {}

  void write(const Chunk& chunk) override {
    detail::check_chunk_schema(schema_, chunk, "JSON Lines");
    write(chunk, encoder_.encode(chunk));
  }

  void write(const Chunk& chunk, const EncodedChunk& encoded) override {
    if (output_.committed()) throw std::logic_error("write after commit");
    detail::check_chunk_schema(schema_, chunk, "JSON Lines");
    output_.write(encoded.bytes);
    for (std::size_t c = 0; c < encoded.replaced.size() && c < non_finite_.size(); ++c) {
      non_finite_[c] += encoded.replaced[c];
    }
    rows_ += encoded.rows;
  }

  void commit() override { output_.commit(); }
  [[nodiscard]] std::uint64_t rows_written() const override { return rows_; }
  [[nodiscard]] std::vector<std::string> notes() const override {
    std::vector<std::string> notes;
    for (std::size_t c = 0; c < non_finite_.size(); ++c) {
      if (non_finite_[c] == 0) continue;
      notes.push_back("column '" + schema_[c].name + "': " + std::to_string(non_finite_[c]) +
                      " NaN or infinite values written as null (JSON has no such numbers)");
    }
    return notes;
  }

 private:
  Schema schema_;
  JsonlEncoder encoder_;
  detail::AtomicOutput output_;
  std::vector<std::uint64_t> non_finite_;
  std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_jsonl_sink(const std::filesystem::path& destination, Schema schema,
                                      SinkOptions options) {
  return std::make_unique<JsonlSink>(destination, std::move(schema), std::move(options));
}

std::unique_ptr<ChunkEncoder> detail::make_jsonl_encoder(const SinkOptions& options) {
  return std::make_unique<JsonlEncoder>(options.timestamp_texts);
}

}  // namespace quarry::io
