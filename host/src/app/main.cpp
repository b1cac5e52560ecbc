// quarry: a native MCP host for data analysis. See `quarry --help`.

#include "app/commands.hpp"
#include "quarry/registry/probe.hpp"
#include "quarry/version.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <cstdio>
#include <string_view>

namespace {

// Buffers of up to 32 MiB (chunks, encoded output, builders) come from the heap and are
// reused, rather than mapped and unmapped each time. glibc starts at 128 KiB and raises the
// threshold only after it frees a large mapping, so without this the cost of every chunk
// depended on what the run happened to free first: each fresh page is a fault and its
// zeroing, which a 10M-row pipeline paid for a few GB more on a virtual machine (~25% of
// its time). Fixed thresholds also stop glibc adjusting them later.
void reuse_chunk_sized_buffers() {
  constexpr int kMapAbove = 32 << 20;
  mallopt(M_MMAP_THRESHOLD, kMapAbove);
  mallopt(M_TRIM_THRESHOLD, 2 * kMapAbove);
}

}  // namespace

int main(int argc, char** argv) {
  reuse_chunk_sized_buffers();
  if (argc == 3 && std::string_view(argv[1]) == quarry::registry::kProbeSubcommand)
    return quarry::registry::run_probe_child(argv[2], quarry::registry::kProbeResultFd);
  using quarry::app::GlobalOptions;
  CLI::App app{
      "Quarry: a native MCP (Model Context Protocol) host for data analysis.\n"
      "AI clients start `quarry serve`; people use the other commands.",
      "quarry"};
  app.set_version_flag("--version", "quarry " QUARRY_VERSION);
  app.require_subcommand(1);

  GlobalOptions global;
  app.add_option("-c,--config", global.config_file,
                 "Configuration file (default: ./quarry.toml, "
                 "$QUARRY_CONFIG, ~/.config/quarry/quarry.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--set", global.settings, "Override a config key: section.key=value (repeatable)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off");
  app.add_option("--plugin-dir", global.plugin_dirs, "Extra plugin directory (repeatable)");
  app.add_option("--data-root", global.data_roots, "Directory tools may read (repeatable)");
  app.add_option("--output-root", global.output_root, "Directory tools may write");
  app.fallthrough();

  app.add_subcommand("serve", "Serve MCP over stdio (what AI clients start)");

  auto* call = app.add_subcommand("call", "Call one tool and print its result");
  std::string tool_name;
  std::string arguments = "{}";
  bool force_json = false;
  call->add_option("tool", tool_name, "Tool name, as listed by `quarry tools`")->required();
  call->add_option("--args", arguments, "Arguments as a JSON object");
  call->add_flag("--json", force_json, "Print the full JSON result even on a terminal");

  auto* run =
      app.add_subcommand("run", "Run a pipeline written as TOML ([input], [[stages]], [output])");
  std::string pipeline_file;
  run->add_option("pipeline", pipeline_file, "Pipeline file")->required()->check(CLI::ExistingFile);
  run->add_flag("--json", force_json, "Print the full JSON result even on a terminal");

  bool as_json = false;
  auto* tools = app.add_subcommand("tools", "List the available tools");
  tools->add_flag("--json", as_json, "Print JSON");
  auto* plugins = app.add_subcommand("plugins", "Show every plugin found and its status");
  plugins->add_flag("--json", as_json, "Print JSON");
  auto* config = app.add_subcommand("config", "Inspect the configuration");
  config->require_subcommand(1);
  auto* show = config->add_subcommand("show", "Print every key, its effective value and origin");
  show->add_flag("--json", as_json, "Print JSON");
  app.add_subcommand("doctor", "Check the configuration and environment");

  CLI11_PARSE(app, argc, argv);

  try {
    if (app.got_subcommand("serve")) return quarry::app::run_serve(global);
    if (app.got_subcommand(call))
      return quarry::app::run_call(global, tool_name, arguments, force_json);
    if (app.got_subcommand(run))
      return quarry::app::run_pipeline_file(global, pipeline_file, force_json);
    if (app.got_subcommand(tools)) return quarry::app::run_tools(global, as_json);
    if (app.got_subcommand(plugins)) return quarry::app::run_plugins(global, as_json);
    if (app.got_subcommand(config)) return quarry::app::run_config_show(global, as_json);
    if (app.got_subcommand("doctor")) return quarry::app::run_doctor(global);
  } catch (const std::exception& e) {
    fmt::print(stderr, "quarry: {}\n", e.what());
    return 2;
  }
  return 0;
}
