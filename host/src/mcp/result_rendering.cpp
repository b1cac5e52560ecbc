#include "mcp/detail/result_rendering.hpp"

namespace quarry::mcp::detail {
namespace {

using nlohmann::json;

// Revisions before 2025-06-18 have no resource_link; older than 2025-03-26 no audio.
json adapt_block(const json& block, ProtocolVersion version) {
  const std::string type = block.value("type", "");
  if (type == "resource_link" && !has_structured_content(version)) {
    std::string text = "Full output: " + block.value("uri", "");
    if (block.contains("description")) text += " (" + block.value("description", "") + ")";
    return {{"type", "text"}, {"text", text}};
  }
  if (type == "audio" && !has_annotations(version)) {
    return {{"type", "text"},
            {"text", "[audio content of type " + block.value("mimeType", "?") +
                         " omitted: protocol 2024-11-05 cannot carry audio]"}};
  }
  return block;
}

}  // namespace

json render_tool(const tools::ToolDescriptor& tool, ProtocolVersion version) {
  json out = {
      {"name", tool.name}, {"description", tool.description}, {"inputSchema", tool.input_schema}};
  if (out["inputSchema"].is_object()) out["inputSchema"].erase(tools::kReadsKeyword);  // host-only
  if (has_annotations(version) && !tool.annotations.empty()) out["annotations"] = tool.annotations;
  if (has_structured_content(version)) {
    if (!tool.title.empty()) out["title"] = tool.title;
    if (tool.output_schema) out["outputSchema"] = *tool.output_schema;
  }
  return out;
}

json render_call_result(const tools::ToolResult& result, ProtocolVersion version) {
  json content = json::array();
  for (const auto& block : result.content) content.push_back(adapt_block(block, version));
  json out = {{"content", std::move(content)}};
  if (result.structured) {
    if (has_structured_content(version)) {
      out["structuredContent"] = *result.structured;
    } else {
      // Older clients see only content, so give them the data as JSON text too.
      out["content"].push_back({{"type", "text"}, {"text", result.structured->dump()}});
    }
  }
  if (result.is_error) out["isError"] = true;
  return out;
}

}  // namespace quarry::mcp::detail
