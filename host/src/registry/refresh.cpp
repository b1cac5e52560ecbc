#include "detail/refresh.hpp"

#include "quarry/registry/hash.hpp"

#include <spdlog/spdlog.h>

#include <optional>

namespace quarry::registry::detail {
namespace {

//! A file changed this soon before it was recorded may have changed again within the
//! file system's timestamp granularity: size and mtime alone cannot be trusted.
constexpr std::int64_t kRacyWindowNs = 2'000'000'000;

bool is_racy(const CacheEntry& entry) {
  return entry.verified_ns - entry.mtime_ns < kRacyWindowNs;
}

std::optional<std::uint64_t> try_hash(const FoundFile& file, ScanStats& stats) {
  try {
    ++stats.hashed;
    return hash_file(file.path);
  } catch (const std::exception& e) {
    spdlog::debug("cannot hash {}: {}", file.path.string(), e.what());
    return std::nullopt;
  }
}

CacheEntry probe_entry(const FoundFile& file, std::optional<std::uint64_t> hash,
                       const Prober& probe, ScanStats& stats) {
  CacheEntry entry;
  entry.size = file.size;
  entry.mtime_ns = file.mtime_ns;
  entry.verified_ns = now_ns();
  if (!hash) hash = try_hash(file, stats);
  if (!hash) {
    entry.transient = true;
    entry.reason = "the file cannot be read";
    return entry;
  }
  entry.hash = *hash;
  ++stats.probed;
  ProbeResult result = probe(file.path);
  entry.ok = result.status == ProbeStatus::kOk;
  entry.transient = result.status == ProbeStatus::kFailed;
  entry.reason = std::move(result.reason);
  if (result.plugin)
    entry.plugin = std::make_shared<const PluginDescription>(std::move(*result.plugin));
  return entry;
}

}  // namespace

CacheEntry refresh_entry(const FoundFile& file, const CacheEntry* cached, const Prober& probe,
                         ScanStats& stats, bool& changed) {
  std::optional<std::uint64_t> hash;
  if (cached && !cached->transient && cached->size == file.size) {
    if (cached->mtime_ns == file.mtime_ns && !is_racy(*cached)) {
      ++stats.reused;
      return *cached;
    }
    hash = try_hash(file, stats);
    if (hash && *hash == cached->hash) {
      ++stats.reused;
      CacheEntry entry = *cached;
      entry.mtime_ns = file.mtime_ns;
      entry.verified_ns = now_ns();
      changed = true;
      return entry;
    }
  }
  changed = true;
  return probe_entry(file, hash, probe, stats);
}

}  // namespace quarry::registry::detail
