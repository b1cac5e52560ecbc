//! Warm start of the registry at scale: 200 plugins of 10 tools each are described from the
//! cache alone, without probing or loading any of them. The plugins are described by a
//! stand-in probe executable (a shell script speaking the probe protocol), so no test plugin
//! needs compiling 200 times. How fast this is, is measured by bench/registry, not here.

#include "quarry/registry/registry.hpp"

#include "test_support.hpp"

#include <fmt/format.h>

namespace quarry::registry::test {
namespace {

constexpr int kPlugins = 200;
constexpr int kToolsPerPlugin = 10;

//! A plugin description with realistic schemas; NAME is replaced by the script.
nlohmann::json description_template() {
  nlohmann::json tools = nlohmann::json::array();
  for (int i = 0; i < kToolsPerPlugin; ++i) {
    tools.push_back(
        {{"name", fmt::format("NAME_tool{}", i)},
         {"title", fmt::format("Tool {}", i)},
         {"description",
          "Computes summary statistics of the numeric columns of a CSV file, "
          "streaming, in one pass."},
         {"input_schema",
          {{"type", "object"},
           {"properties",
            {{"path", {{"type", "string"}, {"description", "CSV file under a data root"}}},
             {"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
             {"delimiter", {{"type", "string"}, {"default", ","}}},
             {"limit", {{"type", "integer"}, {"minimum", 1}}}}},
           {"required", {"path"}}}},
         {"output_schema",
          {{"type", "object"},
           {"properties", {{"rows", {{"type", "integer"}}}, {"columns", {{"type", "array"}}}}}}},
         {"annotations", {{"readOnlyHint", true}}},
         {"streaming", i % 2 == 0}});
    if (i % 2 == 0) tools.back()["stage_mode"] = "mergeable";
  }
  return {{"abi_version", 0x10000},
          {"name", "NAME"},
          {"version", "1.0.0"},
          {"description", "generated"},
          {"tools", tools}};
}

class RegistryPerf : public RegistryFixture {
 protected:
  //! A probe executable answering with the template, named after the plugin file.
  fs::path write_fake_probe() const {
    const fs::path json = root_.path() / "description.json";
    write_text(json, description_template().dump());
    const fs::path script = root_.path() / "fake-probe.sh";
    write_text(script, "#!/bin/sh\nname=$(basename \"$2\" .so)\nsed \"s/NAME/$name/g\" " +
                           json.string() + " >&3\n");
    fs::permissions(script, fs::perms::owner_all);
    return script;
  }
};

TEST_F(RegistryPerf, WarmStartWith200PluginsOf10ToolsComesFromTheCacheAlone) {
  for (int i = 0; i < kPlugins; ++i) {
    const fs::path file = plugin_dir() / fmt::format("p{:03}.so", i);
    write_text(file, fmt::format("plugin {}", i));
    make_old(file);
  }
  RegistryOptions cold = options();
  cold.probe_executable = write_fake_probe();
  {
    PluginRegistry registry(cold);
    ASSERT_EQ(registry.tools().size(), std::size_t{kPlugins * kToolsPerPlugin})
        << registry.status().dump();
  }
  RegistryOptions warm = options();
  warm.probe_executable = "/bin/false";
  PluginRegistry registry(warm);  // a probe now would fail: /bin/false
  const auto tools = registry.tools();
  ASSERT_EQ(tools.size(), std::size_t{kPlugins * kToolsPerPlugin});
  for (const auto& item : registry.status()) EXPECT_EQ(item["status"], "ok") << item.dump();
  EXPECT_EQ(registry.rescan().probed, 0u);
}

}  // namespace
}  // namespace quarry::registry::test
