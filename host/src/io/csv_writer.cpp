//! The CSV sink (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/value_format.hpp"

#include <stdexcept>

namespace quarry::io {
namespace {

class CsvSink final : public Sink {
 public:
  CsvSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)),
        delimiter_(options.delimiter),
        output_(destination, options.overwrite) {
    std::string header;
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      if (c != 0) header += delimiter_;
      detail::append_csv_field(header, schema_[c].name, delimiter_);
    }
    header += '\n';
    output_.write(header);
  }

  void write(const Chunk& chunk) override {
    if (output_.committed()) throw std::logic_error("write after commit");
    detail::check_chunk_schema(schema_, chunk, "CSV");
    std::string text;
    for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
      for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
        if (c != 0) text += delimiter_;
        append_cell(text, chunk.column(c), r);
      }
      text += '\n';
      if (text.size() >= (1U << 20)) {
        output_.write(text);
        text.clear();
      }
    }
    output_.write(text);
    rows_ += static_cast<std::uint64_t>(chunk.num_rows());
  }

  void commit() override { output_.commit(); }
  [[nodiscard]] std::uint64_t rows_written() const override { return rows_; }
  [[nodiscard]] std::vector<std::string> notes() const override { return {}; }

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

  Schema schema_;
  char delimiter_;
  detail::AtomicOutput output_;
  std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_csv_sink(const std::filesystem::path& destination, Schema schema,
                                    SinkOptions options) {
  return std::make_unique<CsvSink>(destination, std::move(schema), std::move(options));
}

}  // namespace quarry::io
