#pragma once
//! \file
//! Watches plugin directories with inotify and calls back, debounced, when a plugin
//! file is added, replaced, changed or removed. Typical use:
//!
//!     PluginWatcher watcher(registry->options().dirs, [&] { registry->rescan(); });
//!
//! Destroy the watcher before whatever its callback uses (here: the registry).
//! Directories that do not exist when the watcher starts are not watched.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace quarry::registry {

//! A background thread watching directories; stops on destruction.
class PluginWatcher {
 public:
  //! Starts watching every existing directory in `dirs` (missing ones are skipped)
  //! for IN_CREATE, IN_CLOSE_WRITE, IN_MOVED_TO, IN_MOVED_FROM, IN_DELETE and
  //! IN_ATTRIB on `*.so` names. After an event, waits until `debounce` passes without
  //! another one, then calls `on_change` on the watcher thread. Exceptions from
  //! `on_change` are logged. When inotify is unavailable, logs a warning and idles.
  PluginWatcher(std::vector<std::filesystem::path> dirs, std::function<void()> on_change,
                std::chrono::milliseconds debounce = std::chrono::milliseconds(150));
  //! Stops the thread and closes the watches.
  ~PluginWatcher();
  PluginWatcher(const PluginWatcher&) = delete;
  PluginWatcher& operator=(const PluginWatcher&) = delete;

  //! The directories actually watched.
  [[nodiscard]] const std::vector<std::filesystem::path>& watched() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::registry
