#pragma once
//! \file
//! Notes the readers attach to a column whose type surprised: shared so that CSV, JSON Lines
//! and SQLite say the same thing the same way.

#include <cstdint>
#include <string>
#include <string_view>

namespace quarry::io::detail {

//! Numbers a column must start with before one value that is not a number earns a note.
inline constexpr std::uint64_t kNumbersBeforeNote = 5;

//! "read as text because value V WHERE is not KIND, though the N values before it were; to
//! read the column as numbers pass column_types {COLUMN: "float64"}" for a column read as text
//! because of one value: `value` as the file shows it (quoted by the caller), `where` its place
//! ("on line 12"), `kind` what it is not ("a number"). Callers add what becomes of such values.
[[nodiscard]] std::string mostly_numbers_note(std::string_view column, std::string_view value,
                                              std::string_view where, std::string_view kind,
                                              std::uint64_t numbers_before);

}  // namespace quarry::io::detail
