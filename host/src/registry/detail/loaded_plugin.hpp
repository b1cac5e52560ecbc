#pragma once
// Private to the registry: one plugin version, loaded into the host on first use.

#include "registry/detail/library.hpp"

#include <quarry/plugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace quarry::registry::detail {

//! A plugin file version (identified by its content hash). The library is loaded at
//! most once, on the first bind(), from a content-addressed copy
//! `<loaded_dir>/<hash>-<file name>` (dlopen of a replaced path would return the old
//! library), and never unloaded. A copy's modification time is its last use: making a new
//! copy removes the copies of the same file name unused for kStaleCopyAge, so rebuilding a
//! plugin again and again does not fill the cache with its old versions.
class LoadedPlugin {
 public:
  //! What a tool call needs.
  struct Binding {
    const quarry_tool_v1* tool = nullptr;
    void* plugin_data = nullptr;
  };

  LoadedPlugin(std::filesystem::path source, std::uint64_t hash, std::filesystem::path loaded_dir);

  //! Loads the library if needed (thread-safe; once) and finds `tool`. Throws
  //! PluginError with a message for the user when loading failed or the plugin lacks
  //! the tool. Copying is retried on the next call; init is never run twice.
  [[nodiscard]] Binding bind(std::string_view tool);

  //! True once the library is loaded and initialised.
  [[nodiscard]] bool loaded() const { return loaded_.load(std::memory_order_acquire); }

  //! The file the plugin was found as.
  [[nodiscard]] const std::filesystem::path& source() const { return source_; }

  //! How long a copy of an older version stays after its last use. A process that still
  //! runs it keeps its mapping (removing a file does not unmap it); one that has not loaded
  //! it yet finds its source changed and refreshes the tool list, as without the copy.
  static constexpr std::chrono::hours kStaleCopyAge{24};

 private:
  void ensure_loaded();
  void load();
  [[nodiscard]] std::filesystem::path stage_copy() const;
  //! Removes other copies of this file name unused for kStaleCopyAge (best effort).
  void remove_stale_copies(const std::filesystem::path& keep) const;

  std::filesystem::path source_;
  std::uint64_t hash_;
  std::filesystem::path loaded_dir_;

  std::mutex mutex_;
  bool attempted_ = false;  // guarded by mutex_; init was run (successfully or not)
  std::string error_;       // guarded by mutex_; set when loading failed
  std::atomic<bool> loaded_{false};
  // Written once under mutex_ before loaded_ is set; read-only afterwards.
  InitializedPlugin library_;
  std::unordered_map<std::string, const quarry_tool_v1*> tools_;
};

}  // namespace quarry::registry::detail
