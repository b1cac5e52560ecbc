#pragma once
// Private to the registry: the registry cache file (registry-v1.jsonl in cache_dir).
// JSON Lines: a header {"format":"quarry-registry-cache","version":1,"host_abi_major":1},
// then one line per plugin file {"path", "size", "mtime_ns", "hash" (16 hex digits),
// "verified_ns", "status": "ok"|"bad", "reason"?, "plugin"?: PluginDescription}.

#include "quarry/registry/plugin_info.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

namespace quarry::registry::detail {

//! What the registry remembers about one plugin file.
struct CacheEntry {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t hash = 0;  //!< content_hash of the bytes that were probed
  //! When size, mtime and hash were last checked against the file (wall clock, ns).
  std::int64_t verified_ns = 0;
  bool ok = false;  //!< The probe found a valid plugin.
  //! The probe itself failed (could not run, no answer): not saved, retried next scan.
  bool transient = false;
  std::string reason;  //!< Why the probe failed; empty when ok.
  //! The plugin as probed; null when the probe failed.
  std::shared_ptr<const PluginDescription> plugin;
};

//! Entries by canonical plugin path.
using CacheMap = std::unordered_map<std::string, CacheEntry>;

//! The cache file name inside cache_dir.
inline constexpr const char* kCacheFileName = "registry-v1.jsonl";

//! The outcome of reading the cache.
struct LoadedCache {
  CacheMap entries;
  //! False when the file was missing, corrupt or from another host ABI: the cache
  //! must be rewritten even if no plugin changes.
  bool valid = false;
};

//! Reads the cache. A missing file is logged at info level; a corrupt one (bad JSON,
//! wrong shape) with one warning. Never throws.
[[nodiscard]] LoadedCache load_cache(const std::filesystem::path& file);

//! Writes the cache atomically. Throws std::system_error naming the file.
void save_cache(const std::filesystem::path& file, const CacheMap& entries);

}  // namespace quarry::registry::detail
