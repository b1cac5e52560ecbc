#pragma once
// Private to the registry: the per-file invalidation policy of the cache.

#include "detail/cache.hpp"
#include "detail/scan.hpp"
#include "quarry/registry/probe.hpp"
#include "quarry/registry/registry.hpp"

#include <functional>

namespace quarry::registry::detail {

//! Probes one plugin file (in a child process, in production).
using Prober = std::function<ProbeResult(const std::filesystem::path& plugin)>;

//! The entry describing `file` now, given what the cache knew (`cached`, may be null):
//!   same size and mtime (and not recorded within 2 s of its mtime) → reuse;
//!   same size → hash; same hash → reuse with the new mtime;
//!   otherwise, or when the cached probe failed transiently → probe.
//! Sets `changed` when the returned entry differs from `cached`; counts into `stats`.
[[nodiscard]] CacheEntry refresh_entry(const FoundFile& file, const CacheEntry* cached,
                                       const Prober& probe, ScanStats& stats, bool& changed);

}  // namespace quarry::registry::detail
