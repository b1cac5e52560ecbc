#include "registry/detail/plugin_tool.hpp"

#include "registry/detail/call_adapter.hpp"
#include "registry/detail/plugin_error.hpp"

#include <fmt/format.h>

namespace quarry::registry::detail {

PluginTool::PluginTool(std::shared_ptr<const ToolInfo> info, std::shared_ptr<LoadedPlugin> plugin,
                       std::string plugin_name)
    : info_(std::move(info)), plugin_(std::move(plugin)), plugin_name_(std::move(plugin_name)) {}

tools::ToolResult PluginTool::call(const nlohmann::json& arguments, tools::CallContext& context) {
  try {
    return call_plugin(arguments, context);
  } catch (const std::exception& e) {
    return tools::ToolResult::error(e.what());
  } catch (...) {
    return tools::ToolResult::error(fmt::format("tool '{}' of plugin '{}' failed unexpectedly",
                                                descriptor().name, plugin_name_));
  }
}

tools::ToolResult PluginTool::call_plugin(const nlohmann::json& arguments,
                                          tools::CallContext& context) {
  const LoadedPlugin::Binding binding = plugin_->bind(descriptor().name);
  if (binding.tool->call == nullptr) {
    return tools::ToolResult::error(
        fmt::format("tool '{}' of plugin '{}' has no direct call entry point; run it in a pipeline",
                    descriptor().name, plugin_name_));
  }
  const std::string args = arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  CallAdapter adapter(context, plugin_name_);
  const quarry_status status =
      binding.tool->call(binding.plugin_data, adapter.abi(), args.data(), args.size());
  return adapter.finish(status,
                        fmt::format("tool '{}' of plugin '{}'", descriptor().name, plugin_name_));
}

tools::StageBinding PluginTool::bind_stage() {
  const LoadedPlugin::Binding binding = plugin_->bind(descriptor().name);
  if (binding.tool->stage == nullptr) {
    throw PluginError(fmt::format("tool '{}' of plugin '{}' cannot run as a pipeline stage",
                                  descriptor().name, plugin_name_));
  }
  return {binding.tool->stage, binding.plugin_data, plugin_name_};
}

}  // namespace quarry::registry::detail
