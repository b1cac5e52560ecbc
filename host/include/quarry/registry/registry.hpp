#pragma once
//! \file
//! The plugin registry: finds plugin libraries in the plugin directories, describes
//! them from a cache (probing new or changed files in a child process), and offers
//! their tools without loading any library until one of its tools is first called.
//!
//! Policies
//!   - Order: directories in the given order, files by name within a directory.
//!   - Duplicate tool names: the first plugin in that order keeps the tool; a later
//!     plugin offering the same name is marked bad as a whole ("tool 'x' is already
//!     provided by plugin 'p' (/path)") and none of its tools are offered.
//!   - A bad plugin is logged once (spdlog warn) and remembered in the cache with its
//!     reason until its file changes. A probe that could not run at all (e.g. the
//!     probe executable is missing) marks the plugin bad for this scan only.
//!   - A missing cache is logged at info level, a corrupt one with one warning; both
//!     are rebuilt.
//!   - Probes of new or changed files run in parallel (a few child processes at once).
//!   - Cache invalidation per file: same size and mtime → reuse; same size, other
//!     mtime → hash; same hash → reuse (the new mtime is recorded); otherwise probe.
//!     A file modified within 2 s of being recorded is re-hashed on the next scan
//!     (mtime granularity could hide a quick second write).

#include "quarry/config/config.hpp"
#include "quarry/tools/catalog.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace quarry::registry {

//! Everything the registry depends on.
struct RegistryOptions {
  //! Plugin directories in search order; missing directories are skipped.
  std::vector<std::filesystem::path> dirs;
  //! Holds registry-v1.jsonl (the registry cache) and loaded/ (content-addressed
  //! copies of loaded libraries). Created when needed. Empty: no cache file, and the
  //! copies go to $TMPDIR/quarry-<uid>/loaded.
  std::filesystem::path cache_dir;
  //! How long one probe may take before the plugin is marked bad.
  std::chrono::milliseconds probe_timeout{5000};
  //! The executable run as `<probe_executable> __probe <plugin>`.
  std::filesystem::path probe_executable = "/proc/self/exe";

  //! Options from the `[plugins]` settings: dirs, then extra_dirs.
  [[nodiscard]] static RegistryOptions from_settings(const config::Settings::Plugins& plugins);
};

//! A plugin's state, as `quarry plugins` shows it.
enum class PluginStatus { kOk, kBad };

//! One plugin file found in the plugin directories.
struct PluginEntry {
  std::filesystem::path path;  //!< As found in its directory.
  PluginStatus status = PluginStatus::kBad;
  std::string reason;              //!< Why it is bad; empty when ok.
  std::string name;                //!< Empty when the probe could not tell.
  std::string version;             //!< Empty when the probe could not tell.
  std::vector<std::string> tools;  //!< Tool names (offered only when ok).
  bool loaded = false;             //!< The library is loaded in this process.
};

//! What one scan did.
struct ScanStats {
  std::size_t files = 0;       //!< Plugin files found.
  std::size_t reused = 0;      //!< Described from the cache without reading the file.
  std::size_t hashed = 0;      //!< Files whose content hash was computed.
  std::size_t probed = 0;      //!< Files probed in a child process.
  std::size_t bad = 0;         //!< Plugins marked bad (including duplicates).
  bool tools_changed = false;  //!< The tool set differs from before the scan.
};

//! The registry. Thread-safe: tools() and status() may run while rescan() runs (they
//! see the previous scan until it completes); rescans are serialised.
class PluginRegistry final : public tools::ToolProvider {
 public:
  //! Loads the cache and runs the first scan (probing only new or changed files).
  //! Never throws for plugin or cache problems; they are logged. Tools of this
  //! registry keep their plugin alive, and may outlive it.
  explicit PluginRegistry(RegistryOptions options);
  ~PluginRegistry() override;
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  //! Rescans the directories: probes new and changed files, forgets removed ones,
  //! saves the cache if anything changed and, when the tool set changed, calls the
  //! change callback (from the calling thread, after the new set is visible).
  ScanStats rescan();

  //! The tools of every ok plugin, in plugin order. No library is loaded for this.
  [[nodiscard]] std::vector<tools::ToolPtr> tools() const override;

  //! Every plugin file found, in search order.
  [[nodiscard]] std::vector<PluginEntry> plugins() const;

  //! For `quarry plugins` and `quarry_health`: an array of {path, name, version,
  //! status: "ok"|"bad", reason?, tools: [names], loaded}.
  [[nodiscard]] nlohmann::json status() const;

  //! Called after a rescan changed the tool set (e.g. ToolCatalog::notify_changed):
  //! a tool added or removed, or a plugin file replaced by another version.
  void set_change_callback(std::function<void()> callback);

  [[nodiscard]] const RegistryOptions& options() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

//! "ok" or "bad".
[[nodiscard]] const char* to_string(PluginStatus status);

}  // namespace quarry::registry
