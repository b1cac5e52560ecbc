#include "registry/detail/snapshot.hpp"

#include "registry/detail/plugin_tool.hpp"

#include <fmt/format.h>

#include <optional>
#include <unordered_map>

namespace quarry::registry::detail {
namespace {

//! Which plugin (by index in the snapshot) owns each tool name.
using Owners = std::unordered_map<std::string_view, std::size_t>;

std::optional<std::string> find_clash(const PluginDescription& plugin, const Owners& owners,
                                      const std::vector<PluginView>& views) {
  for (const ToolInfo& tool : plugin.tools) {
    const auto it = owners.find(tool.descriptor.name);
    if (it == owners.end()) continue;
    const PluginView& owner = views[it->second];
    return fmt::format("tool '{}' is already provided by plugin '{}' ({})", tool.descriptor.name,
                       owner.entry.plugin->name, owner.file.path.string());
  }
  return std::nullopt;
}

void add_tools(const PluginView& view, std::size_t index, Owners& owners, Snapshot& snapshot) {
  const std::shared_ptr<const PluginDescription>& plugin = view.entry.plugin;
  for (const ToolInfo& tool : plugin->tools) {
    owners.emplace(tool.descriptor.name, index);
    std::shared_ptr<const ToolInfo> info(plugin, &tool);  // shares the description's lifetime
    snapshot.tools.push_back(
        std::make_shared<PluginTool>(std::move(info), view.slot, plugin->name));
    snapshot.fingerprint.emplace_back(tool.descriptor.name, view.entry.hash);
  }
}

}  // namespace

Snapshot build_snapshot(const std::vector<FoundFile>& files, const CacheMap& entries,
                        const SlotFor& slot_for) {
  Snapshot snapshot;
  snapshot.plugins.reserve(files.size());
  Owners owners;
  for (const FoundFile& file : files) {
    PluginView view{file, entries.at(file.canonical), false, {}, nullptr};
    view.ok = view.entry.ok;
    view.reason = view.entry.reason;
    if (view.ok) {
      if (auto clash = find_clash(*view.entry.plugin, owners, snapshot.plugins)) {
        view.ok = false;
        view.reason = std::move(*clash);
      }
    }
    if (view.ok) view.slot = slot_for(file, view.entry);
    snapshot.plugins.push_back(std::move(view));
    if (snapshot.plugins.back().ok)
      add_tools(snapshot.plugins.back(), snapshot.plugins.size() - 1, owners, snapshot);
  }
  return snapshot;
}

PluginEntry to_plugin_entry(const PluginView& view) {
  PluginEntry entry;
  entry.path = view.file.path;
  entry.status = view.ok ? PluginStatus::kOk : PluginStatus::kBad;
  entry.reason = view.reason;
  if (const auto& plugin = view.entry.plugin) {
    entry.name = plugin->name;
    entry.version = plugin->version;
    if (view.ok) {
      for (const ToolInfo& tool : plugin->tools) entry.tools.push_back(tool.descriptor.name);
    }
  }
  entry.loaded = view.slot && view.slot->loaded();
  return entry;
}

}  // namespace quarry::registry::detail
