#pragma once
//! \file
//! Turning raw header fields into unique, non-empty column names.

#include <string>
#include <vector>

namespace quarry::io::detail {

//! `raw` with empty names replaced by "col_N" (N = 1-based position) and repeated names
//! suffixed "_2", "_3", … so that every name is unique. Each change is described in `notes`.
[[nodiscard]] std::vector<std::string> unique_column_names(std::vector<std::string> raw,
                                                           std::vector<std::string>& notes);

}  // namespace quarry::io::detail
