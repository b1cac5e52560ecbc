//! The CSV sink and its encoder (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/encoders.hpp"
#include "io/detail/timestamp.hpp"
#include "io/detail/value_format.hpp"
#include "quarry/io/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace quarry::io {
namespace {

//! Rows per block: a block's cells are formatted column by column, then joined row by row.
constexpr std::int64_t kBlockRows = 256;
//! Bytes per fixed-width cell slot (floats, integers, timestamps, booleans).
constexpr std::size_t kSlotBytes = 48;
static_assert(kSlotBytes >= detail::kFloat64TextSize && kSlotBytes >= detail::kTimestampTextSize);

//! One column's cells for one block of rows.
struct BlockCells {
  //! Fixed-width types: cell i's text at slots[i * kSlotBytes], lengths[i] bytes of it.
  std::vector<char> slots = std::vector<char>(kBlockRows * kSlotBytes);
  std::array<std::uint8_t, kBlockRows> lengths{};
  //! Strings: the cells one after the other (quoted where they must be), cell i ending at
  //! ends[i].
  std::string text;
  std::vector<std::uint32_t> ends;
};

//! Formats chunks as CSV rows. A block's values are formatted column by column into fixed
//! slots, so each value's formatting is independent of the text before it and the processor
//! overlaps them (appending cell by cell made every value wait for the previous one's length),
//! then the rows are joined with fixed-size copies into text sized once per block.
class CsvEncoder final : public ChunkEncoder {
 public:
  //! Throws OutputError for a delimiter or decimal separator a CSV file cannot have.
  explicit CsvEncoder(const SinkOptions& options)
      : delimiter_(delimiter_of(options)),
        decimal_(options.decimal),
        timestamp_texts_(options.timestamp_texts) {}

  [[nodiscard]] char delimiter() const noexcept { return delimiter_; }

  [[nodiscard]] EncodedChunk encode(const Chunk& chunk) const override {
    EncodedChunk encoded;
    encoded.rows = static_cast<std::uint64_t>(chunk.num_rows());
    if (chunk.num_columns() == 0) {  // a row of no fields is an empty line
      encoded.bytes.assign(static_cast<std::size_t>(chunk.num_rows()), '\n');
      return encoded;
    }
    std::vector<BlockCells> cells(chunk.num_columns());
    const std::vector<TimestampText> texts = timestamp_texts_of(chunk.schema(), timestamp_texts_);
    for (std::int64_t first = 0; first < chunk.num_rows(); first += kBlockRows) {
      const std::int64_t rows = std::min(kBlockRows, chunk.num_rows() - first);
      for (std::size_t c = 0; c < cells.size(); ++c) {
        format(chunk.column(c), texts[c], first, rows, cells[c]);
      }
      join(chunk, rows, cells, encoded.bytes);
      if (first == 0) {  // room for the rest at the first block's bytes per row, plus a little
        const auto estimate = static_cast<double>(encoded.bytes.size()) /
                              static_cast<double>(rows) * static_cast<double>(chunk.num_rows()) *
                              1.1;
        encoded.bytes.reserve(static_cast<std::size_t>(estimate) + kSlotBytes);
      }
    }
    return encoded;
  }

 private:
  void format(const Column& column, TimestampText text, std::int64_t first, std::int64_t rows,
              BlockCells& out) const {
    if (column.type() == ColumnType::kString) {
      out.text.clear();
      out.ends.clear();
      for (std::int64_t i = 0; i < rows; ++i) {
        if (!column.is_null(first + i)) {
          detail::append_csv_field(out.text, column.string_value(first + i), delimiter_);
        }
        out.ends.push_back(static_cast<std::uint32_t>(out.text.size()));
      }
      return;
    }
    for (std::int64_t i = 0; i < rows; ++i) {
      const auto index = static_cast<std::size_t>(i);
      out.lengths[index] =
          column.is_null(first + i)
              ? 0
              : static_cast<std::uint8_t>(
                    format_fixed(column, text, first + i, out.slots.data() + index * kSlotBytes));
    }
  }

  std::size_t format_fixed(const Column& column, TimestampText text, std::int64_t r,
                           char* slot) const {
    const auto row = static_cast<std::size_t>(r);
    switch (column.type()) {
      case ColumnType::kInt64: {
        const std::int64_t value = column.int64_values()[row];
        return static_cast<std::size_t>(std::to_chars(slot, slot + kSlotBytes, value).ptr - slot);
      }
      case ColumnType::kFloat64: {
        const std::size_t size = detail::format_float64(column.float64_values()[row], true, slot);
        if (decimal_ != '.') std::replace(slot, slot + size, '.', decimal_);
        return size;
      }
      case ColumnType::kBool:
        if (column.bool_value(r)) {
          std::memcpy(slot, "true", 4);
          return 4;
        }
        std::memcpy(slot, "false", 5);
        return 5;
      case ColumnType::kTimestamp:
        return detail::format_timestamp(column.int64_values()[row], slot, text);
      case ColumnType::kString:
        break;
    }
    throw std::logic_error("CSV encoder: strings are not fixed-width cells");
  }

  void join(const Chunk& chunk, std::int64_t rows, const std::vector<BlockCells>& cells,
            std::string& out) const {
    std::size_t bytes = static_cast<std::size_t>(rows) * cells.size();  // separators, newlines
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (chunk.column(c).type() == ColumnType::kString) {
        bytes += cells[c].text.size();
      } else {
        for (std::int64_t i = 0; i < rows; ++i)
          bytes += cells[c].lengths[static_cast<std::size_t>(i)];
      }
    }
    const std::size_t start = out.size();
    // Slack for copying whole slots: each copy may run past its cell; the next one, or the
    // final resize, covers the excess.
    out.resize(start + bytes + kSlotBytes);
    char* p = out.data() + start;
    for (std::int64_t i = 0; i < rows; ++i) {
      const auto index = static_cast<std::size_t>(i);
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const BlockCells& cell = cells[c];
        if (chunk.column(c).type() == ColumnType::kString) {
          const std::uint32_t begin = index == 0 ? 0 : cell.ends[index - 1];
          const std::uint32_t end = cell.ends[index];
          std::memcpy(p, cell.text.data() + begin, end - begin);
          p += end - begin;
        } else {
          std::memcpy(p, cell.slots.data() + index * kSlotBytes, kSlotBytes);
          p += cell.lengths[index];
        }
        *p++ = c + 1 == cells.size() ? '\n' : delimiter_;
      }
    }
    out.resize(start + bytes);
  }

  //! `options`' delimiter, defaulted: ',' or, with decimal ',', ';'.
  static char delimiter_of(const SinkOptions& options) {
    if (options.decimal != '.' && options.decimal != ',') {
      throw OutputError("the decimal separator '" + std::string(1, options.decimal) +
                        "' cannot be written; use '.' or ','");
    }
    const char delimiter = options.delimiter.value_or(options.decimal == ',' ? ';' : ',');
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0') {
      throw OutputError(
          "a CSV field separator cannot be a quote or a line break; use e.g. ',', "
          "';', '|' or a TAB");
    }
    if (delimiter == options.decimal) {
      throw OutputError("the field separator and the decimal separator are both '" +
                        std::string(1, delimiter) + "'; use ';' as the separator with decimal ','");
    }
    return delimiter;
  }

  char delimiter_;
  char decimal_;
  std::map<std::string, TimestampText> timestamp_texts_;
};

class CsvSink final : public Sink {
 public:
  CsvSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)), encoder_(options), output_(destination, options.overwrite) {
    std::string header;
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      if (c != 0) header += encoder_.delimiter();
      detail::append_csv_field(header, schema_[c].name, encoder_.delimiter());
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

std::unique_ptr<ChunkEncoder> detail::make_csv_encoder(const SinkOptions& options) {
  return std::make_unique<CsvEncoder>(options);
}

}  // namespace quarry::io
