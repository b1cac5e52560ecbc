#include "quarry/tools/health_tool.hpp"

#include "quarry/tools/process_stats.hpp"
#include "quarry/version.hpp"

#include <fmt/format.h>

namespace quarry::tools {
namespace {

nlohmann::json output_schema() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "required": ["version", "uptime_s", "peak_rss_bytes", "plugins", "tools"],
    "properties": {
      "version": {"type": "string"},
      "uptime_s": {"type": "number"},
      "peak_rss_bytes": {"type": "integer"},
      "current_rss_bytes": {"type": "integer"},
      "plugins": {"type": "array", "items": {"type": "object"}},
      "tools": {
        "type": "object",
        "additionalProperties": {
          "type": "object",
          "required": ["calls", "errors", "p50_ms", "p95_ms"],
          "properties": {
            "calls": {"type": "integer"}, "errors": {"type": "integer"},
            "p50_ms": {"type": "number"}, "p95_ms": {"type": "number"}
          }
        }
      }
    }
  })");
}

class HealthTool final : public Tool {
 public:
  HealthTool(std::shared_ptr<const CallStats> stats, PluginStatusFn plugin_status,
             std::chrono::steady_clock::time_point started)
      : stats_(std::move(stats)), plugin_status_(std::move(plugin_status)), started_(started) {
    descriptor_.name = "quarry_health";
    descriptor_.title = "Quarry health";
    descriptor_.description =
        "Reports the host's uptime, each plugin and its status, per-tool call and error counts "
        "with p50/p95 latency, and peak memory. Takes no arguments.";
    descriptor_.input_schema = {{"type", "object"},
                                {"properties", nlohmann::json::object()},
                                {"additionalProperties", false}};
    descriptor_.output_schema = output_schema();
    descriptor_.annotations = {{"readOnlyHint", true}, {"openWorldHint", false}};
  }

  const ToolDescriptor& descriptor() const override { return descriptor_; }

  ToolResult call(const nlohmann::json&, CallContext&) override {
    const double uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    nlohmann::json tools = nlohmann::json::object();
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    for (const auto& [name, summary] : stats_->summary()) {
      tools[name] = {{"calls", summary.calls},
                     {"errors", summary.errors},
                     {"p50_ms", summary.p50_ms},
                     {"p95_ms", summary.p95_ms}};
      calls += summary.calls;
      errors += summary.errors;
    }
    nlohmann::json plugins = plugin_status_ ? plugin_status_() : nlohmann::json::array();
    nlohmann::json data = {{"version", QUARRY_VERSION},
                           {"uptime_s", uptime},
                           {"peak_rss_bytes", peak_rss_bytes()},
                           {"current_rss_bytes", current_rss_bytes()},
                           {"plugins", plugins},
                           {"tools", tools}};
    std::string text = fmt::format(
        "quarry {} up {:.1f}s, peak RSS {:.1f} MiB, {} plugin(s), {} call(s), {} error(s)",
        QUARRY_VERSION, uptime, static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0),
        plugins.size(), calls, errors);
    return ToolResult::structured_with_text(std::move(data), std::move(text));
  }

 private:
  std::shared_ptr<const CallStats> stats_;
  PluginStatusFn plugin_status_;
  std::chrono::steady_clock::time_point started_;
  ToolDescriptor descriptor_;
};

}  // namespace

ToolPtr make_health_tool(std::shared_ptr<const CallStats> stats, PluginStatusFn plugin_status,
                         std::chrono::steady_clock::time_point started) {
  return std::make_shared<HealthTool>(std::move(stats), std::move(plugin_status), started);
}

}  // namespace quarry::tools
