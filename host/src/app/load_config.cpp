#include "app/commands.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

extern char** environ;

namespace quarry::app {
namespace {

// A TOML array literal; JSON string escaping is valid TOML basic-string escaping.
std::string toml_array(const std::vector<std::string>& values) {
  std::string text = "[";
  for (const auto& value : values) {
    if (text.size() > 1) text += ", ";
    text += nlohmann::json(value).dump();
  }
  return text + "]";
}

}  // namespace

config::Config load_config(const GlobalOptions& options) {
  config::LoadRequest request;
  request.config_file = options.config_file;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    request.environment.emplace_back(*entry);
  }
  request.base_dir = std::filesystem::current_path();
  for (const auto& setting : options.settings) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos) {
      throw config::ConfigError("--set " + setting +
                                ": expected section.key=value, e.g. --set log.level=debug");
    }
    request.overrides.push_back(
        {setting.substr(0, equals), setting.substr(equals + 1), "--set " + setting});
  }
  if (options.log_level) {
    request.overrides.push_back(
        {"log.level", *options.log_level, "--log-level " + *options.log_level});
  }
  if (!options.plugin_dirs.empty()) {
    request.overrides.push_back(
        {"plugins.extra_dirs", toml_array(options.plugin_dirs), "--plugin-dir"});
  }
  if (!options.data_roots.empty()) {
    request.overrides.push_back({"data.roots", toml_array(options.data_roots), "--data-root"});
  }
  if (options.output_root) {
    request.overrides.push_back(
        {"output.root", *options.output_root, "--output-root " + *options.output_root});
  }
  return config::Config::load(request);
}

}  // namespace quarry::app
