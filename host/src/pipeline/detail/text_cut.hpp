#pragma once
// Private to the result budget: cutting text content to a number of bytes at a line boundary.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::pipeline::detail {

//! The bytes `text` takes inside a JSON string, as nlohmann::json::dump() writes it (quotes
//! excluded): '"', '\\' and the usual control characters take two, other control characters
//! six, every other byte one.
[[nodiscard]] std::size_t json_string_size(std::string_view text);

//! A text cut short, and what was cut.
struct TextCut {
  std::string kept;
  std::size_t lines_cut = 0;  //!< lines (or the part of one) left out
  std::size_t bytes_cut = 0;
};

//! The longest start of `text` that takes at most `budget` bytes as a JSON string and ends at
//! the end of a line; when not even the first line fits, as much of it as fits, cut between
//! two UTF-8 characters.
[[nodiscard]] TextCut cut_at_line(std::string_view text, std::size_t budget);

//! Shares `budget` among blocks of `sizes` bytes: blocks that fit a common cap keep their
//! size, the larger ones get the cap, the largest being cut first (water filling). The
//! shares sum to at most `budget`, or to the sum of the sizes when that is smaller.
[[nodiscard]] std::vector<std::size_t> share_budget(const std::vector<std::size_t>& sizes,
                                                    std::size_t budget);

}  // namespace quarry::pipeline::detail
