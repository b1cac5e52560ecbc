#pragma once
//! \file
//! `quarry_health`: uptime, plugin status, per-tool call counts and latency, peak RSS.

#include "quarry/tools/call_stats.hpp"
#include "quarry/tools/tool.hpp"

#include <chrono>
#include <functional>

namespace quarry::tools {

//! Supplies the plugin section of the health report (a JSON array of
//! {name, path, status, reason?, tools}).
using PluginStatusFn = std::function<nlohmann::json()>;

//! Builds the `quarry_health` tool.
[[nodiscard]] ToolPtr make_health_tool(std::shared_ptr<const CallStats> stats,
                                       PluginStatusFn plugin_status,
                                       std::chrono::steady_clock::time_point started);

}  // namespace quarry::tools
