#pragma once
// Private to the MCP session: shaping tools and results for each protocol revision.

#include "quarry/mcp/protocol.hpp"
#include "quarry/tools/tool.hpp"

#include <nlohmann/json.hpp>

namespace quarry::mcp::detail {

//! A tools/list entry with only the fields the revision knows.
[[nodiscard]] nlohmann::json render_tool(const tools::ToolDescriptor& tool,
                                         ProtocolVersion version);

//! A CallToolResult for the revision: structured content and resource links are
//! turned into text for revisions that lack them.
[[nodiscard]] nlohmann::json render_call_result(const tools::ToolResult& result,
                                                ProtocolVersion version);

}  // namespace quarry::mcp::detail
