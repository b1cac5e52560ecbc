#pragma once
// Private to the registry: a plugin's tool as the host's tools::Tool.

#include "detail/loaded_plugin.hpp"
#include "quarry/registry/plugin_info.hpp"
#include "quarry/tools/tool.hpp"

#include <memory>
#include <string>

namespace quarry::registry::detail {

//! A tool described from the registry cache. Its plugin is loaded on the first call
//! (through the shared LoadedPlugin slot of that plugin version).
class PluginTool final : public tools::Tool {
 public:
  //! `plugin_name` names the plugin in messages and client log entries.
  PluginTool(std::shared_ptr<const ToolInfo> info, std::shared_ptr<LoadedPlugin> plugin,
             std::string plugin_name);

  [[nodiscard]] const tools::ToolDescriptor& descriptor() const override {
    return info_->descriptor;
  }

  //! Runs the plugin's tool. Never throws: failures become isError results.
  tools::ToolResult call(const nlohmann::json& arguments, tools::CallContext& context) override;

 private:
  tools::ToolResult call_plugin(const nlohmann::json& arguments, tools::CallContext& context);

  std::shared_ptr<const ToolInfo> info_;
  std::shared_ptr<LoadedPlugin> plugin_;
  std::string plugin_name_;
};

}  // namespace quarry::registry::detail
