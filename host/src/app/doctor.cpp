// `quarry doctor`: checks the configuration and the environment, one line per check.

#include "app/commands.hpp"
#include "quarry/version.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <thread>

namespace quarry::app {
namespace {

struct Checks {
  int failures = 0;
  int warnings = 0;
  void ok(std::string_view what) { fmt::print("  ok    {}\n", what); }
  void warn(std::string_view what, std::string_view fix) {
    ++warnings;
    fmt::print("  warn  {}\n        → {}\n", what, fix);
  }
  void fail(std::string_view what, std::string_view fix) {
    ++failures;
    fmt::print("  FAIL  {}\n        → {}\n", what, fix);
  }
};

void check_readable_dir(Checks& checks, const std::filesystem::path& dir, std::string_view key) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    checks.fail(fmt::format("{} {} does not exist", key, dir.string()),
                fmt::format("create it or change {} in the config", key));
  } else if (access(dir.c_str(), R_OK | X_OK) != 0) {
    checks.fail(fmt::format("{} {} is not readable", key, dir.string()), "fix its permissions");
  } else {
    checks.ok(fmt::format("{} {} is readable", key, dir.string()));
  }
}

void check_writable_dir(Checks& checks, const std::filesystem::path& dir, std::string_view key) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || access(dir.c_str(), W_OK | X_OK) != 0) {
    checks.fail(fmt::format("{} {} is not writable", key, dir.string()),
                fmt::format("fix its permissions or change {}", key));
  } else {
    checks.ok(fmt::format("{} {} is writable", key, dir.string()));
  }
}

}  // namespace

int run_doctor(const GlobalOptions& global) {
  fmt::print("quarry {} doctor\n", QUARRY_VERSION);
  Checks checks;
  std::optional<config::Config> config;
  try {
    config = load_config(global);
    checks.ok(fmt::format("configuration is valid ({})",
                          config->file() ? config->file()->string() : "defaults, no file"));
  } catch (const config::ConfigError& e) {
    checks.fail(e.what(), "fix the key named above");
    fmt::print("1 check failed\n");
    return 1;
  }
  const auto& settings = config->settings();
  for (const auto& root : settings.data.roots) check_readable_dir(checks, root, "data.roots");
  check_writable_dir(checks, settings.output.root, "output.root");
  check_writable_dir(checks, settings.plugins.cache_dir, "plugins.cache_dir");
  if (settings.cache.columns_max_mb != 0) {
    check_writable_dir(checks, config::column_cache_dir(settings), "cache.columns_dir");
  }
  auto plugin_dirs = settings.plugins.dirs;
  plugin_dirs.insert(plugin_dirs.end(), settings.plugins.extra_dirs.begin(),
                     settings.plugins.extra_dirs.end());
  bool any_plugin_dir = false;
  for (const auto& dir : plugin_dirs) {
    std::error_code error;
    if (std::filesystem::is_directory(dir, error)) {
      any_plugin_dir = true;
      checks.ok(fmt::format("plugin directory {} exists", dir.string()));
    }
  }
  if (!any_plugin_dir) {
    checks.warn("no plugin directory exists, so only the host's own tools are offered",
                "install the bundled plugins or pass --plugin-dir");
  }
  const unsigned cores = std::thread::hardware_concurrency();
  checks.ok(fmt::format("{} hardware thread(s); up to {} concurrent tool calls", cores,
                        settings.limits.max_concurrent_calls));
  fmt::print("{} failure(s), {} warning(s)\n", checks.failures, checks.warnings);
  return checks.failures == 0 ? 0 : 1;
}

}  // namespace quarry::app
