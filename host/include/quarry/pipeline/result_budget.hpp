#pragma once
//! \file
//! Keeps tool results small enough for an LLM's context. A result over `max_bytes`, or with a
//! list longer than `max_rows`, is cut: its text keeps as much of the tool's own rendering as
//! fits (cut at a line, saying how much was cut), its structured content keeps its lists'
//! first items (`truncated: true`, the true lengths under `totals`) while still matching the
//! tool's outputSchema, and a note names each list cut, the limit that applied, the limits the
//! call asked for and where the whole result is: a compact JSON file under the output root.

#include "quarry/tools/tool.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace quarry::pipeline {

//! Limits from `[results]`.
struct ResultBudget {
  std::uint64_t max_bytes = 32 * 1024;  //!< text and structured content together
  std::uint64_t max_rows = 50;          //!< items of one list
};

//! Writes the whole result of `tool` (compact JSON text) and returns the file's path; throws
//! when it cannot. An empty function: whole results are not kept (the note says so).
using FullResultWriter =
    std::function<std::filesystem::path(const std::string& tool, const std::string& json)>;

//! `result` of a call of `tool` with `arguments`, cut to `budget`. The tool's outputSchema
//! decides which cuts of the structured content are acceptable; its inputSchema and
//! `arguments` name the limits the call asked for.
[[nodiscard]] tools::ToolResult apply_budget(tools::ToolResult result, const ResultBudget& budget,
                                             const tools::ToolDescriptor& tool,
                                             const nlohmann::json& arguments,
                                             const FullResultWriter& writer);

}  // namespace quarry::pipeline
