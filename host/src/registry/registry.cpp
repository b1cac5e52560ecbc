#include "quarry/registry/registry.hpp"

#include "registry/detail/cache.hpp"
#include "registry/detail/refresh.hpp"
#include "registry/detail/scan.hpp"
#include "registry/detail/snapshot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include <unistd.h>

namespace quarry::registry {
namespace {

namespace fs = std::filesystem;

fs::path loaded_dir_for(const fs::path& cache_dir) {
  if (!cache_dir.empty()) return cache_dir / "loaded";
  std::error_code ec;
  fs::path temp = fs::temp_directory_path(ec);
  if (ec) temp = "/tmp";
  return temp / fmt::format("quarry-{}", ::geteuid()) / "loaded";
}

void log_summary(const ScanStats& stats, std::size_t tools,
                 std::chrono::steady_clock::time_point started) {
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - started;
  spdlog::log(
      stats.probed ? spdlog::level::info : spdlog::level::debug,
      "plugin registry: {} plugin files ({} bad), {} tools; {} probed, {} hashed in {:.1f} ms",
      stats.files, stats.bad, tools, stats.probed, stats.hashed, elapsed.count());
}

}  // namespace

RegistryOptions RegistryOptions::from_settings(const config::Settings::Plugins& plugins) {
  RegistryOptions options;
  options.dirs = plugins.dirs;
  options.dirs.insert(options.dirs.end(), plugins.extra_dirs.begin(), plugins.extra_dirs.end());
  options.cache_dir = plugins.cache_dir;
  options.probe_timeout = std::chrono::milliseconds(plugins.probe_timeout_ms);
  return options;
}

const char* to_string(PluginStatus status) {
  return status == PluginStatus::kOk ? "ok" : "bad";
}

class PluginRegistry::Impl {
 public:
  explicit Impl(RegistryOptions options);
  ScanStats rescan();
  [[nodiscard]] std::shared_ptr<const detail::Snapshot> snapshot() const;
  void set_change_callback(std::function<void()> callback);
  [[nodiscard]] const RegistryOptions& options() const { return options_; }

 private:
  detail::CacheMap refresh_all(const std::vector<detail::FoundFile>& files, ScanStats& stats);
  std::shared_ptr<detail::LoadedPlugin> slot_for(const detail::FoundFile& file,
                                                 const detail::CacheEntry& entry);
  void report_bad(const detail::Snapshot& snapshot);
  void save_cache();
  bool publish(std::shared_ptr<const detail::Snapshot> snapshot);

  const RegistryOptions options_;
  const fs::path cache_file_;  // empty: no cache
  const fs::path loaded_dir_;

  std::mutex scan_mutex_;  // serialises scans; guards the members below it
  detail::CacheMap cache_;
  bool cache_dirty_ = false;
  std::map<std::string, std::shared_ptr<detail::LoadedPlugin>> slots_;  // never shrinks
  std::set<std::string> reported_;  // bad plugins already logged: path + reason

  mutable std::mutex state_mutex_;  // guards the members below it
  std::shared_ptr<const detail::Snapshot> snapshot_;
  std::function<void()> on_change_;
};

PluginRegistry::Impl::Impl(RegistryOptions options)
    : options_(std::move(options)),
      cache_file_(options_.cache_dir.empty() ? fs::path()
                                             : options_.cache_dir / detail::kCacheFileName),
      loaded_dir_(loaded_dir_for(options_.cache_dir)),
      snapshot_(std::make_shared<detail::Snapshot>()) {
  if (cache_file_.empty()) return;
  detail::LoadedCache loaded = detail::load_cache(cache_file_);
  cache_ = std::move(loaded.entries);
  cache_dirty_ = !loaded.valid;
}

detail::CacheMap PluginRegistry::Impl::refresh_all(const std::vector<detail::FoundFile>& files,
                                                   ScanStats& stats) {
  detail::CacheMap next;
  next.reserve(files.size());
  std::vector<detail::ProbeJob> jobs;
  bool changed = false;
  for (const detail::FoundFile& file : files) {
    const auto it = cache_.find(file.canonical);
    const detail::CacheEntry* cached = it == cache_.end() ? nullptr : &it->second;
    std::optional<std::uint64_t> hash;
    if (auto entry = detail::reuse_entry(file, cached, stats, changed, hash)) {
      ++stats.reused;
      next.emplace(file.canonical, std::move(*entry));
    } else {
      jobs.push_back({&file, hash});
    }
  }
  const detail::Prober probe = [this](const fs::path& plugin) {
    return probe_plugin(options_.probe_executable, plugin, options_.probe_timeout);
  };
  std::vector<detail::CacheEntry> probed = detail::probe_entries(jobs, probe, stats);
  for (std::size_t i = 0; i < jobs.size(); ++i)
    next.emplace(jobs[i].file->canonical, std::move(probed[i]));
  if (changed || !jobs.empty() || next.size() != cache_.size()) cache_dirty_ = true;
  return next;
}

ScanStats PluginRegistry::Impl::rescan() {
  std::lock_guard scan_lock(scan_mutex_);
  const auto started = std::chrono::steady_clock::now();
  ScanStats stats;
  const std::vector<detail::FoundFile> files = detail::scan_directories(options_.dirs);
  stats.files = files.size();
  cache_ = refresh_all(files, stats);
  auto snapshot = std::make_shared<detail::Snapshot>(detail::build_snapshot(
      files, cache_,
      [this](const auto& file, const auto& entry) { return slot_for(file, entry); }));
  report_bad(*snapshot);
  for (const auto& view : snapshot->plugins) stats.bad += view.ok ? 0 : 1;
  if (cache_dirty_) save_cache();
  log_summary(stats, snapshot->tools.size(), started);
  stats.tools_changed = publish(std::move(snapshot));
  return stats;
}

std::shared_ptr<detail::LoadedPlugin> PluginRegistry::Impl::slot_for(
    const detail::FoundFile& file, const detail::CacheEntry& entry) {
  const std::string key = fmt::format("{:016x}-{}", entry.hash, file.canonical);
  auto& slot = slots_[key];
  if (!slot) slot = std::make_shared<detail::LoadedPlugin>(file.canonical, entry.hash, loaded_dir_);
  return slot;
}

void PluginRegistry::Impl::report_bad(const detail::Snapshot& snapshot) {
  std::set<std::string> reported;
  for (const detail::PluginView& view : snapshot.plugins) {
    if (view.ok) continue;
    std::string key = view.file.canonical + '\n' + view.reason;
    if (!reported_.contains(key))
      spdlog::warn("plugin {} skipped: {}", view.file.path.string(), view.reason);
    reported.insert(std::move(key));
  }
  reported_ = std::move(reported);
}

void PluginRegistry::Impl::save_cache() {
  if (cache_file_.empty()) return;
  try {
    detail::save_cache(cache_file_, cache_);
    cache_dirty_ = false;
  } catch (const std::exception& e) {
    spdlog::warn("cannot write the plugin registry cache: {}", e.what());
  }
}

bool PluginRegistry::Impl::publish(std::shared_ptr<const detail::Snapshot> snapshot) {
  std::function<void()> callback;
  {
    std::lock_guard lock(state_mutex_);
    const bool changed = snapshot->fingerprint != snapshot_->fingerprint;
    snapshot_ = std::move(snapshot);
    if (!changed) return false;
    callback = on_change_;
  }
  if (callback) callback();
  return true;
}

std::shared_ptr<const detail::Snapshot> PluginRegistry::Impl::snapshot() const {
  std::lock_guard lock(state_mutex_);
  return snapshot_;
}

void PluginRegistry::Impl::set_change_callback(std::function<void()> callback) {
  std::lock_guard lock(state_mutex_);
  on_change_ = std::move(callback);
}

PluginRegistry::PluginRegistry(RegistryOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->rescan();
}

PluginRegistry::~PluginRegistry() = default;

ScanStats PluginRegistry::rescan() {
  return impl_->rescan();
}

std::vector<tools::ToolPtr> PluginRegistry::tools() const {
  return impl_->snapshot()->tools;
}

std::vector<PluginEntry> PluginRegistry::plugins() const {
  const auto snapshot = impl_->snapshot();
  std::vector<PluginEntry> entries;
  entries.reserve(snapshot->plugins.size());
  for (const auto& view : snapshot->plugins) entries.push_back(detail::to_plugin_entry(view));
  return entries;
}

nlohmann::json PluginRegistry::status() const {
  nlohmann::json status = nlohmann::json::array();
  for (const PluginEntry& entry : plugins()) {
    nlohmann::json item = {{"path", entry.path.string()}, {"name", entry.name},
                           {"version", entry.version},    {"status", to_string(entry.status)},
                           {"tools", entry.tools},        {"loaded", entry.loaded}};
    if (!entry.reason.empty()) item["reason"] = entry.reason;
    status.push_back(std::move(item));
  }
  return status;
}

void PluginRegistry::set_change_callback(std::function<void()> callback) {
  impl_->set_change_callback(std::move(callback));
}

const RegistryOptions& PluginRegistry::options() const {
  return impl_->options();
}

}  // namespace quarry::registry
