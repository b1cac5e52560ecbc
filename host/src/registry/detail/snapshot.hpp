#pragma once
// Private to the registry: the registry's contents after one scan.

#include "quarry/registry/registry.hpp"
#include "registry/detail/cache.hpp"
#include "registry/detail/loaded_plugin.hpp"
#include "registry/detail/scan.hpp"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace quarry::registry::detail {

//! One plugin file after duplicate resolution.
struct PluginView {
  FoundFile file;
  CacheEntry entry;
  bool ok = false;
  std::string reason;                  //!< Why it is bad; empty when ok.
  std::shared_ptr<LoadedPlugin> slot;  //!< Its loaded-plugin slot, when ok.
};

//! A consistent picture of the registry, published after each scan.
struct Snapshot {
  std::vector<PluginView> plugins;
  std::vector<tools::ToolPtr> tools;
  //! (tool name, plugin content hash) in order: equal fingerprints, same tool set.
  std::vector<std::pair<std::string, std::uint64_t>> fingerprint;
};

//! The loaded-plugin slot for a plugin version (shared across scans).
using SlotFor = std::function<std::shared_ptr<LoadedPlugin>(const FoundFile&, const CacheEntry&)>;

//! Builds the snapshot for `files` (in search order) described by `entries`. A plugin
//! offering a tool name that an earlier plugin offers is marked bad as a whole.
[[nodiscard]] Snapshot build_snapshot(const std::vector<FoundFile>& files, const CacheMap& entries,
                                      const SlotFor& slot_for);

//! The public view of one plugin.
[[nodiscard]] PluginEntry to_plugin_entry(const PluginView& view);

}  // namespace quarry::registry::detail
