#pragma once
//! \file
//! Keeps tool results small enough for an LLM's context: long arrays in the
//! structured result are cut to `max_rows` (the result says `truncated: true` and
//! gives the true lengths), and when the result is still over `max_bytes` (or was
//! cut) the full result is written as JSON under the output root and linked.

#include "quarry/tools/tool.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace quarry::pipeline {

//! Limits from `[results]`.
struct ResultBudget {
  std::uint64_t max_bytes = 32 * 1024;
  std::uint64_t max_rows = 50;
};

//! Where a full result may be written; returns the written file's path. Empty
//! function: full results are not kept (the truncated result says so).
using FullResultWriter =
    std::function<std::filesystem::path(const std::string& name, const std::string& json)>;

//! Applies the budget to `result` (a tool's output). `tool` names the file.
[[nodiscard]] tools::ToolResult apply_budget(tools::ToolResult result, const ResultBudget& budget,
                                             const std::string& tool,
                                             const FullResultWriter& writer);

}  // namespace quarry::pipeline
