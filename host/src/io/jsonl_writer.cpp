//! The JSON Lines sink (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/value_format.hpp"

#include <cmath>
#include <stdexcept>

namespace quarry::io {
namespace {

class JsonlSink final : public Sink {
 public:
  JsonlSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)),
        output_(destination, options.overwrite),
        non_finite_(schema_.size(), 0) {
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      std::string key = c == 0 ? "{" : ",";
      detail::append_json_string(key, schema_[c].name);
      key += ':';
      keys_.push_back(std::move(key));
    }
  }

  void write(const Chunk& chunk) override {
    if (output_.committed()) throw std::logic_error("write after commit");
    detail::check_chunk_schema(schema_, chunk, "JSON Lines");
    std::string text;
    for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
      for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
        text += keys_[c];
        append_value(text, chunk.column(c), r, c);
      }
      text += chunk.num_columns() == 0 ? "{}\n" : "}\n";
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
  void append_value(std::string& out, const Column& column, std::int64_t r, std::size_t c) {
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
        ++non_finite_[c];
        out += "null";
        return;
      }
      case ColumnType::kBool:
        out += column.bool_value(r) ? "true" : "false";
        return;
      case ColumnType::kTimestamp:
        out += '"';
        detail::append_timestamp(out, column.int64_values()[row]);
        out += '"';
        return;
      case ColumnType::kString:
        return detail::append_json_string(out, column.string_value(r));
    }
  }

  Schema schema_;
  detail::AtomicOutput output_;
  std::vector<std::string> keys_;
  std::vector<std::uint64_t> non_finite_;
  std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_jsonl_sink(const std::filesystem::path& destination, Schema schema,
                                      SinkOptions options) {
  return std::make_unique<JsonlSink>(destination, std::move(schema), std::move(options));
}

}  // namespace quarry::io
