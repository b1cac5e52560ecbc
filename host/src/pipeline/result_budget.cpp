#include "quarry/pipeline/result_budget.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

// Cuts every array longer than `max_rows`, recording the true length under its
// JSON pointer in `totals`.
void cut_arrays(json& value, const std::string& pointer, std::uint64_t max_rows, json& totals) {
  if (value.is_array()) {
    if (value.size() > max_rows) {
      totals[pointer.empty() ? "/" : pointer] = value.size();
      value.erase(value.begin() + static_cast<std::ptrdiff_t>(max_rows), value.end());
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      cut_arrays(value[i], pointer + "/" + std::to_string(i), max_rows, totals);
    }
  } else if (value.is_object()) {
    for (auto& [key, child] : value.items())
      cut_arrays(child, pointer + "/" + key, max_rows, totals);
  }
}

std::size_t size_of(const tools::ToolResult& result) {
  std::size_t bytes = result.content.dump().size();
  if (result.structured) bytes += result.structured->dump().size();
  return bytes;
}

}  // namespace

tools::ToolResult apply_budget(tools::ToolResult result, const ResultBudget& budget,
                               const std::string& tool, const FullResultWriter& writer) {
  if (!result.structured || result.is_error) return result;
  json cut = *result.structured;
  json totals = json::object();
  cut_arrays(cut, "", budget.max_rows, totals);
  const bool was_cut = !totals.empty();
  if (!was_cut && size_of(result) <= budget.max_bytes) return result;

  std::string full_path;
  if (writer) {
    try {
      full_path = writer(tool, result.structured->dump(2)).string();
    } catch (const std::exception& e) {
      spdlog::warn("could not keep the full result of {}: {}", tool, e.what());
    }
  }
  if (cut.is_object()) {
    cut["truncated"] = true;
    cut["totals"] = totals;
    if (!full_path.empty()) cut["full_result"] = full_path;
  }
  tools::ToolResult out;
  out.structured = std::move(cut);
  std::string note =
      was_cut ? fmt::format("Result truncated to {} rows per list (true lengths in \"totals\").",
                            budget.max_rows)
              : "Result larger than the result budget.";
  if (!full_path.empty()) note += " The full result is in " + full_path + ".";
  for (const auto& block : result.content) {
    if (block.value("type", "") == "text" &&
        block.value("text", "").size() <= budget.max_bytes / 2) {
      out.content.push_back(block);
    }
  }
  out.content.push_back({{"type", "text"}, {"text", note}});
  if (!full_path.empty()) {
    out.content.push_back({{"type", "resource_link"},
                           {"uri", "file://" + full_path},
                           {"name", std::filesystem::path(full_path).filename().string()},
                           {"mimeType", "application/json"},
                           {"description", "the complete result of " + tool}});
  }
  return out;
}

}  // namespace quarry::pipeline
