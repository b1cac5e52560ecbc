#pragma once
//! \file
//! Row filters: a small expression language over a chunk's columns, e.g.
//!   price > 100 and region == 'EU'
//!   not (status in ('void', 'test')) and note is not null
//!   (revenue - cost) / revenue >= 0.2 or "unit price" < 5
//! Columns by name (double quotes or backticks for other names), numbers, 'strings',
//! true/false/null; + - * / %; == = != <> < <= > >=; and/or/not (&& || !); is [not]
//! null; [not] in (...); [not] between a and b (bounds included); [not] like 'EU%' ('%' any
//! run, '_' one character, case-sensitive), contains / starts_with / ends_with on strings.
//! Timestamps compare with ISO 8601 strings ('2024-03-01', '2024-03-01T12:00:00Z'). Null follows
//! SQL: a comparison with null is unknown, and only rows where the whole expression is
//! true are kept.

#include "quarry/exec/stage.hpp"
#include "quarry/io/chunk.hpp"

#include <memory>
#include <string>
#include <vector>

namespace quarry::filter {

//! An expression that does not parse, or does not fit the columns; the message names
//! the position or column and the fix.
class FilterError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Expression;

//! A parsed filter, bound to a schema. Immutable and thread-safe.
class RowFilter {
 public:
  //! Parses `text` and binds its columns to `schema`; throws FilterError.
  RowFilter(const std::string& text, const io::Schema& schema);
  ~RowFilter();
  RowFilter(RowFilter&&) noexcept;
  RowFilter& operator=(RowFilter&&) noexcept;

  //! For each row of `chunk` (which has the bound schema), whether the filter keeps it.
  [[nodiscard]] std::vector<bool> matches(const io::Chunk& chunk) const;
  //! The rows of `chunk` the filter keeps, as a new chunk with the same sequence number.
  [[nodiscard]] std::shared_ptr<const io::Chunk> apply(const io::Chunk& chunk) const;

 private:
  std::unique_ptr<Expression> root_;
};

//! Checks that `text` parses (without a schema); throws FilterError.
void check_syntax(const std::string& text);

//! The column names `text` refers to, each once, in order of appearance; throws FilterError.
[[nodiscard]] std::vector<std::string> referenced_columns(const std::string& text);

//! A stateless transforming stage that keeps the rows matching `text` (named "where"
//! in messages). The expression is parsed now and bound to the input schema when
//! the stage is opened, so errors surface before any data is read.
[[nodiscard]] std::shared_ptr<exec::Stage> make_filter_stage(const std::string& text);

}  // namespace quarry::filter
