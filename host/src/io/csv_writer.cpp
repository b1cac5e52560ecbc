//! The CSV sink and its encoder (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/encoders.hpp"
#include "io/detail/value_format.hpp"

#include <stdexcept>

namespace quarry::io {
namespace {

class CsvEncoder final : public ChunkEncoder {
 public:
  explicit CsvEncoder(char delimiter) : delimiter_(delimiter) {}

  [[nodiscard]] EncodedChunk encode(const Chunk& chunk) const override {
    EncodedChunk encoded;
    for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
      for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
        if (c != 0) encoded.bytes += delimiter_;
        append_cell(encoded.bytes, chunk.column(c), r);
      }
      encoded.bytes += '\n';
    }
    encoded.rows = static_cast<std::uint64_t>(chunk.num_rows());
    return encoded;
  }

 private:
  void append_cell(std::string& out, const Column& column, std::int64_t r) const {
    if (column.is_null(r)) return;
    const auto row = static_cast<std::size_t>(r);
    switch (column.type()) {
      case ColumnType::kInt64:
        return detail::append_int64(out, column.int64_values()[row]);
      case ColumnType::kFloat64:
        return detail::append_float64(out, column.float64_values()[row], true);
      case ColumnType::kBool:
        out += column.bool_value(r) ? "true" : "false";
        return;
      case ColumnType::kTimestamp:
        return detail::append_timestamp(out, column.int64_values()[row]);
      case ColumnType::kString:
        return detail::append_csv_field(out, column.string_value(r), delimiter_);
    }
  }

  char delimiter_;
};

class CsvSink final : public Sink {
 public:
  CsvSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)),
        encoder_(options.delimiter),
        output_(destination, options.overwrite) {
    std::string header;
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      if (c != 0) header += options.delimiter;
      detail::append_csv_field(header, schema_[c].name, options.delimiter);
    }
    header += '\n';
    output_.write(header);
  }

  void write(const Chunk& chunk) override {
    detail::check_chunk_schema(schema_, chunk, "CSV");
    write(chunk, encoder_.encode(chunk));
  }

  void write(const Chunk& chunk, const EncodedChunk& encoded) override {
    if (output_.committed()) throw std::logic_error("write after commit");
    detail::check_chunk_schema(schema_, chunk, "CSV");
    output_.write(encoded.bytes);
    rows_ += encoded.rows;
  }

  void commit() override { output_.commit(); }
  [[nodiscard]] std::uint64_t rows_written() const override { return rows_; }
  [[nodiscard]] std::vector<std::string> notes() const override { return {}; }

 private:
  Schema schema_;
  CsvEncoder encoder_;
  detail::AtomicOutput output_;
  std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_csv_sink(const std::filesystem::path& destination, Schema schema,
                                    SinkOptions options) {
  return std::make_unique<CsvSink>(destination, std::move(schema), std::move(options));
}

std::unique_ptr<ChunkEncoder> detail::make_csv_encoder(char delimiter) {
  return std::make_unique<CsvEncoder>(delimiter);
}

}  // namespace quarry::io
