#pragma once
//! \file
//! What a probe learns about a plugin without keeping it loaded: its identity and
//! its tools with their JSON schemas. This is also the shape stored in the registry
//! cache and written by `quarry __probe`.

#include "quarry/tools/tool.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::registry {

//! One tool as described by its plugin.
struct ToolInfo {
  tools::ToolDescriptor descriptor;
  //! True when the tool can also run as a pipeline stage (quarry_tool_v1.stage != NULL).
  bool streaming = false;
  //! "stateless", "mergeable", "ordered" or "accumulate" for streaming tools.
  std::optional<std::string> stage_mode;
  //! True when the stage passes a changed stream on (quarry_stage_v1.transform != NULL).
  bool transforms = false;
  //! True when the stage reads the input twice (a first pass, ABI 1.1).
  bool two_pass = false;
};

//! A plugin as its quarry_plugin_v1 describes it.
struct PluginDescription {
  std::uint32_t abi_version = 0;  //!< As returned by quarry_plugin_abi_version().
  std::string name;
  std::string version;
  std::string description;
  std::vector<ToolInfo> tools;
};

//! "1.0" for QUARRY_ABI_PACK(1, 0).
[[nodiscard]] std::string format_abi_version(std::uint32_t packed);

//! The probe/cache JSON form: {abi_version, name, version, description, tools:[{name,
//! title, description, input_schema, output_schema?, annotations?, streaming,
//! stage_mode?, transforms?, two_pass?}]}.
[[nodiscard]] nlohmann::json to_json(const PluginDescription& plugin);

//! Parses the form written by to_json(). Moves the schemas out of `json` (cheap).
//! Throws std::runtime_error (or nlohmann::json::exception) on a wrong shape.
[[nodiscard]] PluginDescription plugin_description_from_json(nlohmann::json&& json);

}  // namespace quarry::registry
