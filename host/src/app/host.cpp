#include "app/host.hpp"

#include "quarry/tools/health_tool.hpp"

namespace quarry::app {

Host build_host(config::Config config) {
  Host host{std::move(config), std::make_shared<tools::ToolCatalog>(),
            std::make_shared<tools::CallStats>(), std::chrono::steady_clock::now()};
  auto health = tools::make_health_tool(
      host.stats, [] { return nlohmann::json::array(); }, host.started);
  host.catalog->add_provider(
      std::make_shared<tools::StaticToolProvider>(std::vector<tools::ToolPtr>{health}));
  return host;
}

}  // namespace quarry::app
