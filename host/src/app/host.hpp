#pragma once
// Assembles a host from its configuration: the plugin registry, the tool catalog
// (host tools first, then plugin tools wrapped to read files), and shared counters.

#include "quarry/config/config.hpp"
#include "quarry/pipeline/environment.hpp"
#include "quarry/registry/registry.hpp"
#include "quarry/tools/call_stats.hpp"
#include "quarry/tools/catalog.hpp"

#include <chrono>
#include <memory>

namespace quarry::app {

//! Everything a command needs to serve or call tools.
struct Host {
  config::Config config;
  std::shared_ptr<registry::PluginRegistry> plugins;
  std::shared_ptr<const pipeline::Environment> environment;
  std::shared_ptr<tools::ToolCatalog> catalog;
  std::shared_ptr<tools::CallStats> stats;
  std::chrono::steady_clock::time_point started;
};

//! Builds the host for `config`: scans the plugin directories (probing only new or
//! changed plugins) and registers every tool.
[[nodiscard]] Host build_host(config::Config config);

}  // namespace quarry::app
