#include "registry/detail/describe.hpp"

#include "registry/detail/plugin_error.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string_view>
#include <unordered_set>

namespace quarry::registry::detail {
namespace {

constexpr std::array<const char*, 4> kStageModes = {"stateless", "mergeable", "ordered",
                                                    "accumulate"};

[[noreturn]] void fail(const std::string& message) {
  throw PluginError(message);
}

//! nlohmann's message without its "[json.exception.…] " prefix.
std::string_view plain_message(const nlohmann::json::exception& e) {
  std::string_view text = e.what();
  const auto end = text.find("] ");
  return end == std::string_view::npos ? text : text.substr(end + 2);
}

//! Parses `text` as a JSON object; `what` names it in the error.
nlohmann::json parse_object(const char* text, const std::string& what) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(fmt::format("{} is not valid JSON ({})", what, plain_message(e)));
  }
  if (!json.is_object()) fail(what + " is not a JSON object");
  return json;
}

// quarry_stage_v1 as ABI 1.0 defined it (1.1 added first_pass and open_second_pass).
constexpr std::size_t kStageSize1_0 = offsetof(quarry_stage_v1, first_pass);

// The first pass of a 1.1 stage, or nullptr (also for 1.0 stages).
const quarry_stage_v1* first_pass_of(const quarry_stage_v1& stage) {
  if (stage.struct_size <
      offsetof(quarry_stage_v1, open_second_pass) + sizeof(stage.open_second_pass))
    return nullptr;
  return stage.first_pass;
}

std::string stage_mode(const quarry_stage_v1& stage, const std::string& tool) {
  const std::string what = fmt::format("tool '{}': stage", tool);
  if (stage.struct_size < kStageSize1_0)
    fail(fmt::format("{} struct_size {} is smaller than ABI 1.0's {}", what, stage.struct_size,
                     kStageSize1_0));
  if (stage.mode < 0 || static_cast<std::size_t>(stage.mode) >= kStageModes.size())
    fail(fmt::format("{} has unknown mode {}", what, stage.mode));
  if (!stage.open || !stage.consume || !stage.finish || !stage.close)
    fail(what + " lacks one of open, consume, finish, close");
  if (stage.mode == QUARRY_STAGE_MERGEABLE && !stage.merge)
    fail(what + " is mergeable but has no merge");
  if (const quarry_stage_v1* first = first_pass_of(stage)) {
    if (!stage.open_second_pass) fail(what + " has a first_pass but no open_second_pass");
    const std::string first_mode = stage_mode(*first, tool + " (first pass)");
    if (first->transform != nullptr || (first_mode != "mergeable" && first_mode != "ordered"))
      fail(what + "'s first pass must be a mergeable or ordered stage without transform");
    if (first_pass_of(*first) != nullptr) fail(what + "'s first pass has a first pass itself");
  }
  return kStageModes[static_cast<std::size_t>(stage.mode)];
}

void check_tool_basics(const quarry_tool_v1& tool, std::size_t index) {
  if (tool.struct_size < sizeof(quarry_tool_v1))
    fail(fmt::format("tool #{}: struct_size {} is smaller than ABI 1.0's {}", index,
                     tool.struct_size, sizeof(quarry_tool_v1)));
  if (!tool.name || !tools::is_valid_tool_name(tool.name))
    fail(fmt::format("tool #{}: name '{}' does not match ^[a-zA-Z0-9_-]{{1,64}}$", index,
                     tool.name ? tool.name : "(null)"));
  if (!tool.description || !*tool.description)
    fail(fmt::format("tool '{}': description is missing", tool.name));
  if (!tool.input_schema) fail(fmt::format("tool '{}': input_schema is missing", tool.name));
  if (!tool.call) fail(fmt::format("tool '{}': call is NULL", tool.name));
}

ToolInfo describe_tool(const quarry_tool_v1& tool, std::size_t index) {
  check_tool_basics(tool, index);
  const std::string name = tool.name;
  ToolInfo info;
  tools::ToolDescriptor& d = info.descriptor;
  d.name = name;
  d.title = tool.title ? tool.title : "";
  d.description = tool.description;
  d.input_schema = parse_object(tool.input_schema, "tool '" + name + "': input_schema");
  if (tool.output_schema)
    d.output_schema = parse_object(tool.output_schema, "tool '" + name + "': output_schema");
  if (tool.annotations)
    d.annotations = parse_object(tool.annotations, "tool '" + name + "': annotations");
  info.streaming = tool.stage != nullptr;
  if (tool.stage) {
    info.stage_mode = stage_mode(*tool.stage, name);
    info.transforms = tool.stage->transform != nullptr;
    info.two_pass = first_pass_of(*tool.stage) != nullptr;
  }
  return info;
}

void check_plugin_basics(const quarry_plugin_v1& plugin) {
  if (plugin.struct_size < sizeof(quarry_plugin_v1))
    fail(fmt::format("quarry_plugin_v1.struct_size {} is smaller than ABI 1.0's {}",
                     plugin.struct_size, sizeof(quarry_plugin_v1)));
  if (!plugin.name || !*plugin.name) fail("the plugin has no name");
  if (!plugin.version) fail("the plugin has no version");
  if (plugin.tool_count > 0 && !plugin.tools) fail("tool_count > 0 but tools is NULL");
}

}  // namespace

PluginDescription describe_plugin(const quarry_plugin_v1& plugin, std::uint32_t abi_version) {
  check_plugin_basics(plugin);
  PluginDescription description;
  description.abi_version = abi_version;
  description.name = plugin.name;
  description.version = plugin.version;
  description.description = plugin.description ? plugin.description : "";
  std::unordered_set<std::string_view> names;
  for (std::size_t i = 0; i < plugin.tool_count; ++i) {
    const quarry_tool_v1* tool = plugin.tools[i];
    if (!tool) fail(fmt::format("tool #{} is NULL", i));
    description.tools.push_back(describe_tool(*tool, i));
    if (!names.insert(tool->name).second)
      fail(fmt::format("tool name '{}' appears twice in the plugin", tool->name));
  }
  return description;
}

}  // namespace quarry::registry::detail
