#pragma once
// Assembles a host from its configuration: the tool catalog with the host's own
// tools (and, with the registry, the plugins' tools) and shared counters.

#include "quarry/config/config.hpp"
#include "quarry/tools/call_stats.hpp"
#include "quarry/tools/catalog.hpp"

#include <chrono>
#include <memory>

namespace quarry::app {

//! Everything a command needs to serve or call tools.
struct Host {
  config::Config config;
  std::shared_ptr<tools::ToolCatalog> catalog;
  std::shared_ptr<tools::CallStats> stats;
  std::chrono::steady_clock::time_point started;
};

//! Builds the host for `config`.
[[nodiscard]] Host build_host(config::Config config);

}  // namespace quarry::app
