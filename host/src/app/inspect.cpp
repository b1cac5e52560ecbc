// `quarry tools`, `quarry plugins`, `quarry config show`: read-only views of the host.

#include "app/commands.hpp"
#include "app/host.hpp"
#include "quarry/log/logging.hpp"

#include <fmt/format.h>

namespace quarry::app {

int run_tools(const GlobalOptions& global, bool as_json) {
  auto config = load_config(global);
  log::install(config.settings().log);
  const Host host = build_host(std::move(config));
  const auto tools = host.catalog->list();
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& tool : tools) {
      const auto& d = tool->descriptor();
      nlohmann::json entry = {
          {"name", d.name}, {"description", d.description}, {"inputSchema", d.input_schema}};
      if (d.output_schema) entry["outputSchema"] = *d.output_schema;
      out.push_back(std::move(entry));
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& tool : tools) {
    const auto& d = tool->descriptor();
    fmt::print("{:<28} {}\n", d.name, d.description);
  }
  return 0;
}

int run_plugins(const GlobalOptions& global, bool as_json) {
  auto config = load_config(global);
  log::install(config.settings().log);
  const Host host = build_host(std::move(config));
  const auto status = host.plugins->status();
  if (as_json) {
    nlohmann::json out = {{"directories", nlohmann::json::array()}, {"plugins", status}};
    for (const auto& dir : host.plugins->options().dirs) out["directories"].push_back(dir.string());
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("Plugin directories (in search order):\n");
  for (const auto& dir : host.plugins->options().dirs) {
    fmt::print("  {}{}\n", dir.string(), std::filesystem::is_directory(dir) ? "" : "  (missing)");
  }
  if (status.empty()) fmt::print("No plugins found.\n");
  for (const auto& plugin : status) {
    fmt::print("\n{:<4} {} {}  {}\n", plugin.value("status", "?"), plugin.value("name", "?"),
               plugin.value("version", ""), plugin.value("path", ""));
    if (plugin.contains("reason"))
      fmt::print("     reason: {}\n", plugin["reason"].get<std::string>());
    if (!plugin.value("tools", nlohmann::json::array()).empty()) {
      std::string names;
      for (const auto& tool : plugin["tools"])
        names += (names.empty() ? "" : ", ") + tool.get<std::string>();
      fmt::print("     tools: {}\n", names);
    }
  }
  return 0;
}

int run_config_show(const GlobalOptions& global, bool as_json) {
  const auto config = load_config(global);
  const auto shown = config.show();
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : shown) {
      out.push_back({{"key", value.key},
                     {"value", value.value},
                     {"origin", value.origin.describe()},
                     {"doc", value.doc}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("# config file: {}\n",
             config.file() ? config.file()->string() : std::string("none (defaults)"));
  for (const auto& value : shown) {
    fmt::print("{} = {}    # {}\n", value.key, value.value, value.origin.describe());
  }
  return 0;
}

}  // namespace quarry::app
