#pragma once
// The engine's side of the startup snapshot (see quarry/startup/snapshot.hpp): records what
// this host answers to initialize and tools/list, with the state of every file those answers
// depend on, where the front asked for it; and tells the session when the answers a client
// already got from an older snapshot are out of date.

#include "quarry/mcp/session.hpp"
#include "quarry/startup/snapshot.hpp"
#include "quarry/tools/catalog.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace quarry::app {

//! Where the front wants the snapshot kept and under which launch key.
struct SnapshotTarget {
  std::string file;
  std::string key;
  //! From the front's environment variables (removed once read); nullopt without a front.
  static std::optional<SnapshotTarget> take_from_environment();
};

//! What the recorded answers depend on.
struct SnapshotInputs {
  //! Files (or paths that must stay missing): the engine, config files.
  std::vector<std::string> files;
  //! Directories whose entries all count: the plugin directories.
  std::vector<std::string> directories;
};

//! Records the snapshot on a background thread: once at start, again after every `refresh`.
class StartupSnapshotKeeper {
 public:
  //! `served` is the digest of the snapshot answers the client already got (from the front);
  //! when the engine's own answers differ, `on_stale` runs once.
  StartupSnapshotKeeper(SnapshotTarget target, SnapshotInputs inputs, mcp::SessionOptions options,
                        std::shared_ptr<const tools::ToolCatalog> catalog,
                        std::optional<std::uint64_t> served, std::function<void()> on_stale);
  ~StartupSnapshotKeeper();
  StartupSnapshotKeeper(const StartupSnapshotKeeper&) = delete;
  StartupSnapshotKeeper& operator=(const StartupSnapshotKeeper&) = delete;

  //! Records again (the tools changed).
  void refresh();

 private:
  void run();
  void record();

  SnapshotTarget target_;
  SnapshotInputs inputs_;
  mcp::SessionOptions options_;
  std::shared_ptr<const tools::ToolCatalog> catalog_;
  std::optional<std::uint64_t> served_;
  std::function<void()> on_stale_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = true;
  bool stopping_ = false;
  std::thread worker_;
};

//! Records the answers of a session over `catalog` with `options` (tests use this directly).
[[nodiscard]] startup::Snapshot record_answers(const mcp::SessionOptions& options,
                                               std::shared_ptr<const tools::ToolCatalog> catalog);

//! The current state of `inputs`: each file, each directory and every entry in it.
[[nodiscard]] std::vector<startup::PathState> record_inputs(const SnapshotInputs& inputs);

}  // namespace quarry::app
