#pragma once
// Private to the registry: one plugin version, loaded into the host on first use.

#include "registry/detail/library.hpp"

#include <quarry/plugin.h>

#include <atomic>
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
//! library), and never unloaded.
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

 private:
  void ensure_loaded();
  void load();
  [[nodiscard]] std::filesystem::path stage_copy() const;

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
