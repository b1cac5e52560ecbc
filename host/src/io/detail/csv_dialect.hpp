#pragma once
//! \file
//! Guessing how a CSV file is written from its first bytes.

#include "io/detail/csv_scanner.hpp"

#include <cstddef>
#include <string_view>

namespace quarry::io::detail {

//! Bytes of the UTF-8 byte-order mark at the start of `head` (3 or 0).
[[nodiscard]] std::size_t bom_size(std::string_view head) noexcept;

//! The delimiter among , TAB ; | that splits the sample's records most consistently into more
//! than one field (ties: more fields, then that order); ',' when none does. `sample` must be
//! readable to size + 64; `whole_file` says the sample is the entire file. The decimal
//! separator `decimal` is never chosen (';' is the fallback when it is ',').
[[nodiscard]] char sniff_delimiter(std::string_view sample, bool whole_file, char quote,
                                   char decimal = '.');

}  // namespace quarry::io::detail
