#include "quarry/registry/plugin_info.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace quarry::registry {
namespace {

nlohmann::json tool_to_json(const ToolInfo& tool) {
  const tools::ToolDescriptor& d = tool.descriptor;
  nlohmann::json json = {{"name", d.name},
                         {"title", d.title},
                         {"description", d.description},
                         {"input_schema", d.input_schema},
                         {"streaming", tool.streaming}};
  if (d.output_schema) json["output_schema"] = *d.output_schema;
  if (!d.annotations.empty()) json["annotations"] = d.annotations;
  if (tool.stage_mode) json["stage_mode"] = *tool.stage_mode;
  if (tool.transforms) json["transforms"] = true;
  if (tool.two_pass) json["two_pass"] = true;
  return json;
}

std::string take_string(nlohmann::json& json, const char* key) {
  return std::move(json.at(key).get_ref<std::string&>());
}

nlohmann::json take_object(nlohmann::json& json, const char* key) {
  nlohmann::json& value = json.at(key);
  if (!value.is_object()) throw std::runtime_error(fmt::format("'{}' is not an object", key));
  return std::move(value);
}

ToolInfo tool_from_json(nlohmann::json& json) {
  ToolInfo tool;
  tools::ToolDescriptor& d = tool.descriptor;
  d.name = take_string(json, "name");
  if (json.contains("title")) d.title = take_string(json, "title");
  d.description = take_string(json, "description");
  d.input_schema = take_object(json, "input_schema");
  if (json.contains("output_schema")) d.output_schema = take_object(json, "output_schema");
  if (json.contains("annotations")) d.annotations = take_object(json, "annotations");
  tool.streaming = json.at("streaming").get<bool>();
  if (json.contains("stage_mode")) tool.stage_mode = take_string(json, "stage_mode");
  tool.transforms = json.value("transforms", false);
  tool.two_pass = json.value("two_pass", false);
  return tool;
}

}  // namespace

std::string format_abi_version(std::uint32_t packed) {
  return fmt::format("{}.{}", packed >> 16, packed & 0xffffu);
}

nlohmann::json to_json(const PluginDescription& plugin) {
  nlohmann::json tools = nlohmann::json::array();
  for (const ToolInfo& tool : plugin.tools) tools.push_back(tool_to_json(tool));
  return {{"abi_version", plugin.abi_version},
          {"name", plugin.name},
          {"version", plugin.version},
          {"description", plugin.description},
          {"tools", std::move(tools)}};
}

PluginDescription plugin_description_from_json(nlohmann::json&& json) {
  PluginDescription plugin;
  plugin.abi_version = json.at("abi_version").get<std::uint32_t>();
  plugin.name = take_string(json, "name");
  plugin.version = take_string(json, "version");
  plugin.description = take_string(json, "description");
  nlohmann::json& tools = json.at("tools");
  if (!tools.is_array()) throw std::runtime_error("'tools' is not an array");
  plugin.tools.reserve(tools.size());
  for (nlohmann::json& tool : tools) plugin.tools.push_back(tool_from_json(tool));
  return plugin;
}

}  // namespace quarry::registry
