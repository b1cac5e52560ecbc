#include "quarry/tools/tool.hpp"

#include <algorithm>
#include <array>

namespace quarry::tools {
namespace {
constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
}

std::optional<MessageLevel> parse_message_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<MessageLevel>(i);
  }
  return std::nullopt;
}

std::string_view to_string(MessageLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

bool is_valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

ToolResult ToolResult::text(std::string text) {
  ToolResult result;
  result.content.push_back({{"type", "text"}, {"text", std::move(text)}});
  return result;
}

ToolResult ToolResult::error(std::string message) {
  ToolResult result = text(std::move(message));
  result.is_error = true;
  return result;
}

ToolResult ToolResult::structured_with_text(nlohmann::json data, std::string text) {
  ToolResult result = ToolResult::text(std::move(text));
  result.structured = std::move(data);
  return result;
}

}  // namespace quarry::tools
