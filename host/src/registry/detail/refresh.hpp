#pragma once
// Private to the registry: the per-file invalidation policy of the cache, and probing
// the files it rejects.

#include "quarry/registry/probe.hpp"
#include "quarry/registry/registry.hpp"
#include "registry/detail/cache.hpp"
#include "registry/detail/scan.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace quarry::registry::detail {

//! Probes one plugin file (in a child process, in production). Must be thread-safe.
using Prober = std::function<ProbeResult(const std::filesystem::path& plugin)>;

//! The cached entry when it still describes `file`:
//!   same size and mtime (and not recorded within 2 s of its mtime) → reuse as is;
//!   same size → hash; same hash → reuse with the new mtime (`changed` is set).
//! nullopt when the file must be probed (new, changed, or its last probe failed
//! transiently); `hash` then holds the content hash if it was computed.
[[nodiscard]] std::optional<CacheEntry> reuse_entry(const FoundFile& file, const CacheEntry* cached,
                                                    ScanStats& stats, bool& changed,
                                                    std::optional<std::uint64_t>& hash);

//! A file to probe and its content hash, if already known.
struct ProbeJob {
  const FoundFile* file = nullptr;
  std::optional<std::uint64_t> hash;
};

//! Probes `jobs` in parallel (a few child processes at a time) and returns their
//! entries in the same order. Counts probes and hashes into `stats`.
[[nodiscard]] std::vector<CacheEntry> probe_entries(const std::vector<ProbeJob>& jobs,
                                                    const Prober& probe, ScanStats& stats);

}  // namespace quarry::registry::detail
