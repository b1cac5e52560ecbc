#pragma once
// Private to the registry: a plugin's tool as the host's tools::Tool.

#include "quarry/registry/plugin_info.hpp"
#include "quarry/tools/streaming.hpp"
#include "quarry/tools/tool.hpp"
#include "registry/detail/loaded_plugin.hpp"

#include <memory>
#include <string>

namespace quarry::registry::detail {

//! A tool described from the registry cache. Its plugin is loaded on the first call
//! (through the shared LoadedPlugin slot of that plugin version).
class PluginTool final : public tools::Tool, public tools::StreamingTool {
 public:
  //! `plugin_name` names the plugin in messages and client log entries.
  PluginTool(std::shared_ptr<const ToolInfo> info, std::shared_ptr<LoadedPlugin> plugin,
             std::string plugin_name);

  [[nodiscard]] const tools::ToolDescriptor& descriptor() const override {
    return info_->descriptor;
  }

  //! Runs the plugin's tool. Never throws: failures become isError results.
  tools::ToolResult call(const nlohmann::json& arguments, tools::CallContext& context) override;

  //! The stage mode from the cache ("" for call-only tools).
  [[nodiscard]] std::string stage_mode() const override { return info_->stage_mode.value_or(""); }
  //! Whether the stage transforms the stream, from the cache.
  [[nodiscard]] bool transforms() const override { return info_->transforms; }
  //! Loads the plugin if needed and returns its stage entry points; throws
  //! PluginError when the tool has none.
  [[nodiscard]] tools::StageBinding bind_stage() override;
  //! True for tools that can run as stages (decided without loading).
  [[nodiscard]] bool streaming() const { return info_->streaming; }

 private:
  tools::ToolResult call_plugin(const nlohmann::json& arguments, tools::CallContext& context);

  std::shared_ptr<const ToolInfo> info_;
  std::shared_ptr<LoadedPlugin> plugin_;
  std::string plugin_name_;
};

}  // namespace quarry::registry::detail
