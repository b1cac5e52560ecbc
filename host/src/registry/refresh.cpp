#include "registry/detail/refresh.hpp"

#include "quarry/registry/hash.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace quarry::registry::detail {
namespace {

//! A file changed this soon before it was recorded may have changed again within the
//! file system's timestamp granularity: size and mtime alone cannot be trusted.
constexpr std::int64_t kRacyWindowNs = 2'000'000'000;

//! Most probes run at once.
constexpr unsigned kMaxParallelProbes = 8;

bool is_racy(const CacheEntry& entry) {
  return entry.verified_ns - entry.mtime_ns < kRacyWindowNs;
}

std::optional<std::uint64_t> try_hash(const FoundFile& file) {
  try {
    return hash_file(file.path);
  } catch (const std::exception& e) {
    spdlog::debug("cannot hash {}: {}", file.path.string(), e.what());
    return std::nullopt;
  }
}

//! Probes one file; thread-safe.
CacheEntry probe_entry(const ProbeJob& job, const Prober& probe) {
  CacheEntry entry;
  entry.size = job.file->size;
  entry.mtime_ns = job.file->mtime_ns;
  entry.verified_ns = now_ns();
  const std::optional<std::uint64_t> hash = job.hash ? job.hash : try_hash(*job.file);
  if (!hash) {
    entry.transient = true;
    entry.reason = "the file cannot be read";
    return entry;
  }
  entry.hash = *hash;
  ProbeResult result = probe(job.file->path);
  entry.ok = result.status == ProbeStatus::kOk;
  entry.transient = result.status == ProbeStatus::kFailed;
  entry.reason = std::move(result.reason);
  if (result.plugin)
    entry.plugin = std::make_shared<const PluginDescription>(std::move(*result.plugin));
  return entry;
}

}  // namespace

std::optional<CacheEntry> reuse_entry(const FoundFile& file, const CacheEntry* cached,
                                      ScanStats& stats, bool& changed,
                                      std::optional<std::uint64_t>& hash) {
  if (!cached || cached->transient || cached->size != file.size) return std::nullopt;
  if (cached->mtime_ns == file.mtime_ns && !is_racy(*cached)) return *cached;
  ++stats.hashed;
  hash = try_hash(file);
  if (!hash || *hash != cached->hash) return std::nullopt;
  CacheEntry entry = *cached;
  entry.mtime_ns = file.mtime_ns;
  entry.verified_ns = now_ns();
  changed = true;
  return entry;
}

std::vector<CacheEntry> probe_entries(const std::vector<ProbeJob>& jobs, const Prober& probe,
                                      ScanStats& stats) {
  std::vector<CacheEntry> entries(jobs.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++)
      entries[i] = probe_entry(jobs[i], probe);
  };
  const unsigned workers =
      std::clamp<unsigned>(std::thread::hardware_concurrency(), 2, kMaxParallelProbes);
  {
    std::vector<std::jthread> threads;
    for (unsigned i = 1; i < std::min<std::size_t>(workers, jobs.size()); ++i)
      threads.emplace_back(work);
    work();
  }
  stats.probed += jobs.size();
  for (const ProbeJob& job : jobs) stats.hashed += job.hash ? 0 : 1;
  return entries;
}

}  // namespace quarry::registry::detail
