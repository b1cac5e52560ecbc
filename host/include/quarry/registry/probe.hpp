#pragma once
//! \file
//! Probing a plugin in a child process, so a plugin that crashes or hangs while it is
//! loaded and initialised never takes the host down.
//!
//! The parent runs `<probe_executable> __probe <plugin>` with the result pipe on fd 3,
//! standard input on /dev/null and standard output on standard error. The child
//! (run_probe_child) loads the library, checks the ABI, initialises and validates the
//! plugin and writes one JSON document to fd 3: the PluginDescription (see
//! plugin_info.hpp) or {"error": "..."}.

#include "quarry/registry/plugin_info.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace quarry::registry {

//! How a probe ended.
enum class ProbeStatus {
  kOk,        //!< A valid plugin; `plugin` is set.
  kBad,       //!< Not loadable or not valid; `reason` says why.
  kCrashed,   //!< The child died from a signal; `reason` names it.
  kTimedOut,  //!< The child did not finish in time and was killed.
  //! The probe itself failed: it could not be started, or it exited without a
  //! readable answer (e.g. the plugin called exit()). Not remembered in the cache;
  //! retried on the next scan.
  kFailed,
};

//! The outcome of one probe.
struct ProbeResult {
  ProbeStatus status = ProbeStatus::kBad;
  std::string reason;  //!< Empty when ok; otherwise one sentence for the log and `quarry plugins`.
  std::optional<PluginDescription> plugin;
};

//! The hidden subcommand the probe child is started with: `quarry __probe <path>`.
inline constexpr const char* kProbeSubcommand = "__probe";

//! The file descriptor the child writes its result to.
inline constexpr int kProbeResultFd = 3;

//! Probes `plugin` by spawning `executable __probe <plugin>` and waiting at most
//! `timeout`; a child still running then is killed (SIGKILL) and reaped. Never throws;
//! spawn failures come back as kFailed with the reason.
[[nodiscard]] ProbeResult probe_plugin(const std::filesystem::path& executable,
                                       const std::filesystem::path& plugin,
                                       std::chrono::milliseconds timeout);

//! The child side: call from main for `quarry __probe <path>` before anything else.
//! Points fd 1 at fd 2, loads and validates `plugin`, writes the JSON result to
//! `result_fd` and closes it. Returns the process exit code (0 when a result was
//! written, even one describing an error).
int run_probe_child(const std::filesystem::path& plugin, int result_fd);

}  // namespace quarry::registry
