#pragma once
// The `quarry` subcommands. Each returns the process exit code.

#include "quarry/config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace quarry::app {

//! Options shared by every subcommand; they override the config file and environment.
struct GlobalOptions {
  std::filesystem::path config_file;
  std::vector<std::string> settings;  //!< --set section.key=value
  std::optional<std::string> log_level;
  std::vector<std::string> plugin_dirs;
  std::vector<std::string> data_roots;
  std::optional<std::string> output_root;
};

//! Loads the effective configuration; throws config::ConfigError.
[[nodiscard]] config::Config load_config(const GlobalOptions& options);

int run_serve(const GlobalOptions& options);
int run_call(const GlobalOptions& options, const std::string& tool, const std::string& arguments,
             bool force_json);
int run_pipeline_file(const GlobalOptions& options, const std::string& file, bool force_json);
int run_tools(const GlobalOptions& options, bool as_json);
int run_plugins(const GlobalOptions& options, bool as_json);
int run_config_show(const GlobalOptions& options, bool as_json);
int run_doctor(const GlobalOptions& options);

}  // namespace quarry::app
