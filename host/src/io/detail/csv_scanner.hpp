#pragma once
//! \file
//! The CSV tokenizer: finds fields and records in a byte range, 64 bytes at a time.
//!
//! Each 64-byte block becomes bitmasks of quote, delimiter and newline bytes (SSE2 compares).
//! The quoted regions are the prefix-XOR of the quote mask (a doubled quote toggles twice, so
//! RFC 4180 escapes need no special case); delimiters and newlines outside quoted regions are
//! the structure, visited with count-trailing-zeros. A quote anywhere toggles the quoted state
//! (the quote-parity rule). A quote that opens a quoted region in the middle of a field (after a
//! byte other than a delimiter, line break, blank or quote: `55" screen`) is an error
//! (kStrayQuote) once that region takes in a delimiter or a line break: parity would otherwise
//! pair it with the next stray quote and silently read the fields and lines between them as one
//! field. A region that closes within its field (`="0123"`) changes nothing and is allowed.
//!
//! Records end at LF (a CR before it is dropped); a lone CR is data. Blank lines are reported
//! as blank records so the reader can decide what they mean.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "quarry/io/text_encoding.hpp"

namespace quarry::io::detail {

//! How fields are separated and quoted.
struct Dialect {
  char delimiter = ',';
  //! '\0' disables quoting.
  char quote = '"';
  //! The decimal separator of numbers ('.' or ','); typing reads it, the scanner does not.
  char decimal = '.';
  //! The thousands separator of numbers ('\0': none); typing reads it, the scanner does not.
  char thousands = '\0';
  //! How text is encoded; the parser decodes text fields to UTF-8, the scanner needs no
  //! decoding (the delimiter, quote and line breaks are ASCII in every encoding read).
  TextEncoding encoding = TextEncoding::kUtf8;
};

//! One field: [begin, end) in the scanned bytes, quotes included.
struct FieldSpan {
  const char* begin;
  const char* end;
};

//! One record, valid during the callback.
struct Record {
  const FieldSpan* fields;
  std::size_t size;
  //! 1-based physical line where the record starts.
  std::uint64_t line;
  //! One past the record's terminating LF (or the end of the input).
  const char* end;
  //! The physical line of the byte at `end`.
  std::uint64_t next_line;
  //! An empty line (one empty field).
  bool blank;
};

//! Why scanning stopped.
struct ScanError {
  enum class Kind { kUnterminatedQuote, kStrayQuote, kTooManyFields, kCellTooLarge };
  Kind kind;
  //! 1-based line of the record in question.
  std::uint64_t line;
  //! Start of the offending record.
  const char* record;
  //! 0-based index of the offending field (kCellTooLarge).
  std::size_t field = 0;
};

//! Splits bytes into records and fields. Resumable across buffers by re-scanning the
//! unconsumed tail (always a record start, hence outside quotes).
class CsvScanner {
 public:
  //! `max_fields` and `max_cell_bytes` bound one record (ScanError beyond them).
  CsvScanner(Dialect dialect, std::size_t max_fields, std::size_t max_cell_bytes)
      : dialect_(dialect), max_fields_(max_fields), max_cell_(max_cell_bytes) {
    fields_.resize(std::min<std::size_t>(128, std::max<std::size_t>(max_fields_, 1)));
  }

  //! The physical line of the next byte to scan (1-based).
  [[nodiscard]] std::uint64_t line() const noexcept { return line_; }
  void set_line(std::uint64_t line) noexcept { line_ = line; }
  //! After scan(): bytes of the unfinished last field, and whether it is inside quotes.
  [[nodiscard]] std::size_t pending_field_bytes() const noexcept { return pending_bytes_; }
  [[nodiscard]] bool pending_inside_quote() const noexcept { return pending_quoted_; }
  [[nodiscard]] const Dialect& dialect() const noexcept { return dialect_; }

  //! Calls `on_record(const Record&)` for every complete record in [data, data + size) and
  //! returns the bytes consumed. `data` must be readable to size + 64 (padding). At
  //! `at_eof`, a last record without LF is complete, and an open quote throws ScanError.
  template <class OnRecord>
  std::size_t scan(const char* data, std::size_t size, bool at_eof, OnRecord&& on_record);

 private:
  struct Masks {
    std::uint64_t quote;
    std::uint64_t delimiter;
    std::uint64_t newline;
  };

  Masks masks(const char* block, std::size_t valid) const noexcept;
  //! The quotes among `opening` (bits of `block`) that follow a byte no quoted field can
  //! start after. `block` may be read at [-1] unless `at_start`.
  [[nodiscard]] std::uint64_t stray_quotes(const char* block, std::uint64_t opening,
                                           bool at_start) const noexcept {
    std::uint64_t stray = 0;
    while (opening != 0) {
      const int bit = std::countr_zero(opening);
      opening &= opening - 1;
      if (bit == 0 && at_start) continue;
      const char before = block[bit - 1];
      const bool field_start = before == dialect_.delimiter || before == '\n' || before == '\r' ||
                               before == ' ' || before == '\t' || before == dialect_.quote;
      if (!field_start) stray |= std::uint64_t{1} << bit;
    }
    return stray;
  }
  static std::uint64_t prefix_xor(std::uint64_t x) noexcept {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
  }
  //! Where scan() is in its input: the record being read and the lines it counts.
  struct Cursor {
    //! The start of the input.
    const char* data;
    const char* record_start;
    const char* field_start;
    //! The physical line of the next byte.
    std::uint64_t line;
    //! The line the current record starts on.
    std::uint64_t record_line;
    //! The line after the last complete record (where a later scan resumes).
    std::uint64_t committed_line;
    //! Bytes of complete records.
    std::size_t consumed;
  };
  //! scan()'s loop over one block's structure when no line break in it is quoted: each line
  //! break ends a record, and the delimiters before it are pushed in a tight loop (no
  //! per-field test for the kind of byte or for quoted line breaks).
  template <class OnRecord>
  void scan_records(const char* block, std::uint64_t structure, std::uint64_t breaks,
                    Cursor& cursor, OnRecord& on_record);
  //! Ends the current record at `stop` (its line break, or the end of the input; a CR before
  //! it is dropped), passes it to `on_record`, and moves the cursor to `next` on `next_line`.
  template <class OnRecord>
  void end_record(const char* stop, const char* next, std::uint64_t next_line, Cursor& cursor,
                  OnRecord& on_record) {
    const char* end = (stop > cursor.field_start && stop[-1] == '\r') ? stop - 1 : stop;
    const bool blank = count_ == 0 && end == cursor.field_start;
    push_field(cursor.field_start, end, cursor.record_start, cursor.record_line);
    on_record(Record{fields_.data(), count_, cursor.record_line, next, next_line, blank});
    count_ = 0;
    cursor.line = cursor.record_line = cursor.committed_line = next_line;
    cursor.record_start = cursor.field_start = next;
    cursor.consumed = static_cast<std::size_t>(next - cursor.data);
  }
  void push_field(const char* begin, const char* end, const char* record, std::uint64_t line) {
    if (static_cast<std::size_t>(end - begin) > max_cell_) {
      throw ScanError{ScanError::Kind::kCellTooLarge, line, record, count_};
    }
    if (count_ == fields_.size()) {
      if (count_ >= max_fields_) throw ScanError{ScanError::Kind::kTooManyFields, line, record};
      fields_.resize(std::min(fields_.size() * 2, max_fields_));
    }
    fields_[count_++] = FieldSpan{begin, end};
  }

  Dialect dialect_;
  std::size_t max_fields_;
  std::size_t max_cell_;
  std::uint64_t line_ = 1;
  std::vector<FieldSpan> fields_;
  std::size_t count_ = 0;
  std::size_t pending_bytes_ = 0;
  bool pending_quoted_ = false;
};

inline CsvScanner::Masks CsvScanner::masks(const char* block, std::size_t valid) const noexcept {
  const std::uint64_t keep = valid >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << valid) - 1;
  Masks m{0, 0, 0};
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8(dialect_.quote);
  const __m128i delimiter = _mm_set1_epi8(dialect_.delimiter);
  const __m128i newline = _mm_set1_epi8('\n');
  for (int i = 0; i < 4; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
    const auto shift = 16 * i;
    m.quote |=
        std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote)))}
        << shift;
    m.delimiter |= std::uint64_t{static_cast<std::uint16_t>(
                       _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiter)))}
                   << shift;
    m.newline |=
        std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)))}
        << shift;
  }
#else
  for (int i = 0; i < 64; ++i) {
    m.quote |= std::uint64_t{block[i] == dialect_.quote} << i;
    m.delimiter |= std::uint64_t{block[i] == dialect_.delimiter} << i;
    m.newline |= std::uint64_t{block[i] == '\n'} << i;
  }
#endif
  m.quote = dialect_.quote != '\0' ? m.quote & keep : 0;
  m.delimiter &= keep;
  m.newline &= keep;
  return m;
}

template <class OnRecord>
void CsvScanner::scan_records(const char* block, std::uint64_t structure, std::uint64_t breaks,
                              Cursor& cursor, OnRecord& on_record) {
  FieldSpan* fields = fields_.data();
  std::size_t count = count_;
  std::size_t capacity = fields_.size();
  for (;;) {
    // The delimiters before the next line break (or the end of the block).
    const std::uint64_t before_break =
        breaks != 0 ? (breaks & (~breaks + 1)) - 1 : ~std::uint64_t{0};
    std::uint64_t delimiters = structure & before_break;
    structure &= ~before_break;
    const char* field_start = cursor.field_start;
    // A block has at most 64 delimiters, and only a field that started before it can be
    // longer than 64 bytes: with that much room, no field here needs a limit checked.
    if (count + 64 <= std::min(capacity, max_fields_) &&
        static_cast<std::size_t>(block + 64 - field_start) <= max_cell_) {
      while (delimiters != 0) {
        const char* at = block + std::countr_zero(delimiters);
        delimiters &= delimiters - 1;
        fields[count++] = FieldSpan{field_start, at};
        field_start = at + 1;
      }
    }
    while (delimiters != 0) {
      const char* at = block + std::countr_zero(delimiters);
      delimiters &= delimiters - 1;
      if (count == capacity || static_cast<std::size_t>(at - field_start) > max_cell_) {
        count_ = count;  // growing, or beyond a limit: push_field grows or throws
        push_field(field_start, at, cursor.record_start, cursor.record_line);
        fields = fields_.data();
        count = count_;
        capacity = fields_.size();
      } else {
        fields[count++] = FieldSpan{field_start, at};
      }
      field_start = at + 1;
    }
    cursor.field_start = field_start;
    count_ = count;
    if (breaks == 0) return;
    const char* at = block + std::countr_zero(breaks);
    breaks &= breaks - 1;
    structure &= structure - 1;
    end_record(at, at + 1, cursor.line + 1, cursor, on_record);
    fields = fields_.data();
    capacity = fields_.size();
    count = 0;
  }
}

template <class OnRecord>
std::size_t CsvScanner::scan(const char* data, std::size_t size, bool at_eof,
                             OnRecord&& on_record) {
  Cursor c{data, data, data, line_, line_, line_, 0};
  std::uint64_t inside_carry = 0;
  // The line of a stray quote whose region is still open at the end of the last block
  // (0: none); it is an error as soon as the region takes in a delimiter or line break.
  std::uint64_t open_stray_line = 0;
  count_ = 0;
  for (std::size_t base = 0; base < size; base += 64) {
    const char* block = data + base;
    const Masks m = masks(block, size - base);
    const std::uint64_t inside = m.quote != 0 ? prefix_xor(m.quote) ^ inside_carry : inside_carry;
    const std::uint64_t swallowable = m.delimiter | m.newline;
    if (open_stray_line != 0) {
      // A region a stray quote opened in an earlier block runs to this block's first quote.
      const std::uint64_t first_quote = m.quote & (~m.quote + 1);
      if ((swallowable & (first_quote != 0 ? first_quote - 1 : ~std::uint64_t{0})) != 0) {
        throw ScanError{ScanError::Kind::kStrayQuote, open_stray_line, c.record_start};
      }
      if (first_quote != 0) open_stray_line = 0;
    }
    if (m.quote != 0) {
      // An opening quote is a quote inside the quoted region it starts.
      std::uint64_t stray = stray_quotes(block, m.quote & inside, base == 0);
      while (stray != 0) {
        const int at = std::countr_zero(stray);
        stray &= stray - 1;
        const std::uint64_t after = ~((std::uint64_t{2} << at) - 1);  // bits past `at`
        const std::uint64_t closing = m.quote & after & (~(m.quote & after) + 1);
        const std::uint64_t region = closing != 0 ? after & (closing - 1) : after;
        const std::uint64_t stray_line =
            c.line +
            static_cast<std::uint64_t>(std::popcount(m.newline & ((std::uint64_t{1} << at) - 1)));
        if ((swallowable & region) != 0) {
          throw ScanError{ScanError::Kind::kStrayQuote, stray_line, c.record_start};
        }
        if (closing == 0) open_stray_line = stray_line;
      }
    }
    inside_carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
    std::uint64_t structure = (m.delimiter | m.newline) & ~inside;
    std::uint64_t quoted_newlines = m.newline & inside;
    if (quoted_newlines == 0) {
      // The common block: every line break ends a record, so lines count records.
      scan_records(block, structure, m.newline & structure, c, on_record);
      continue;
    }
    while (structure != 0) {
      const int bit = std::countr_zero(structure);
      structure &= structure - 1;
      const char* at = block + bit;
      if (quoted_newlines != 0) {
        const std::uint64_t before = quoted_newlines & ((std::uint64_t{1} << bit) - 1);
        c.line += static_cast<std::uint64_t>(std::popcount(before));
        quoted_newlines &= ~before;
      }
      if (((m.newline >> bit) & 1U) == 0) {
        push_field(c.field_start, at, c.record_start, c.record_line);
        c.field_start = at + 1;
        continue;
      }
      end_record(at, at + 1, c.line + 1, c, on_record);
    }
    if (quoted_newlines != 0) c.line += static_cast<std::uint64_t>(std::popcount(quoted_newlines));
  }
  if (at_eof && c.consumed < size) {
    if (inside_carry != 0)
      throw ScanError{ScanError::Kind::kUnterminatedQuote, c.record_line, c.record_start};
    end_record(data + size, data + size, c.line, c, on_record);
  }
  pending_bytes_ = c.consumed < size ? static_cast<std::size_t>(data + size - c.field_start) : 0;
  pending_quoted_ = c.consumed < size && inside_carry != 0;
  count_ = 0;
  line_ = c.committed_line;
  return c.consumed;
}

}  // namespace quarry::io::detail
