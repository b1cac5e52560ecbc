#include "app/host.hpp"

#include "quarry/pipeline/batch_tool.hpp"
#include "quarry/pipeline/pipeline_tool.hpp"
#include "quarry/pipeline/streaming_tools.hpp"
#include "quarry/tools/health_tool.hpp"

namespace quarry::app {

Host build_host(config::Config config) {
  const auto started = std::chrono::steady_clock::now();
  auto environment = pipeline::Environment::from_settings(config.settings());
  auto plugins = std::make_shared<registry::PluginRegistry>(
      registry::RegistryOptions::from_settings(config.settings().plugins));
  auto stats = std::make_shared<tools::CallStats>();
  auto catalog = std::make_shared<tools::ToolCatalog>();

  std::weak_ptr<registry::PluginRegistry> weak_plugins = plugins;
  auto health = tools::make_health_tool(
      stats,
      [weak_plugins] {
        const auto registry = weak_plugins.lock();
        return registry ? registry->status() : nlohmann::json::array();
      },
      started);
  catalog->add_provider(std::make_shared<tools::StaticToolProvider>(
      std::vector<tools::ToolPtr>{health, pipeline::make_pipeline_tool(plugins, environment),
                                  pipeline::make_batch_tool(plugins, environment)}));
  catalog->add_provider(std::make_shared<pipeline::StreamingToolProvider>(plugins, environment));
  std::weak_ptr<tools::ToolCatalog> weak_catalog = catalog;
  plugins->set_change_callback([weak_catalog] {
    if (const auto target = weak_catalog.lock()) target->notify_changed();
  });
  return Host{std::move(config),  std::move(plugins), std::move(environment),
              std::move(catalog), std::move(stats),   started};
}

}  // namespace quarry::app
