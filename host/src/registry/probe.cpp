// The parent side of a probe: spawn, wait with a deadline, classify.

#include "quarry/registry/probe.hpp"

#include "registry/detail/spawn.hpp"

#include <fmt/format.h>

#include <cstring>

#include <sys/wait.h>

namespace quarry::registry {
namespace {

constexpr std::size_t kMaxResultBytes = 64 * 1024 * 1024;

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  const char* text = ::strsignal(signal);
  if (!abbrev) return fmt::format("signal {}", signal);
  return fmt::format("SIG{}, {}", abbrev, text ? text : "unknown");
}

ProbeResult make(ProbeStatus status, std::string reason) {
  ProbeResult result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

//! The child's answer, when it wrote a complete one.
std::optional<ProbeResult> parse_answer(const std::string& output) {
  if (output.empty()) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  try {
    if (json.contains("error")) return make(ProbeStatus::kBad, json.at("error").get<std::string>());
    ProbeResult result = make(ProbeStatus::kOk, "");
    result.plugin = plugin_description_from_json(std::move(json));
    return result;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

ProbeResult classify(const detail::ChildOutcome& child, std::chrono::milliseconds timeout) {
  if (auto answer = parse_answer(child.output)) return std::move(*answer);
  if (child.timed_out)
    return make(
        ProbeStatus::kTimedOut,
        fmt::format("hung while being probed (no answer within {} ms); killed", timeout.count()));
  if (WIFSIGNALED(child.wait_status))
    return make(ProbeStatus::kCrashed, fmt::format("crashed while being probed ({})",
                                                   signal_name(WTERMSIG(child.wait_status))));
  const int code = WIFEXITED(child.wait_status) ? WEXITSTATUS(child.wait_status) : -1;
  if (!child.output.empty())
    return make(ProbeStatus::kFailed,
                fmt::format("the probe exited with status {} and an unreadable answer", code));
  return make(ProbeStatus::kFailed,
              fmt::format("the probe exited with status {} without an answer", code));
}

}  // namespace

ProbeResult probe_plugin(const std::filesystem::path& executable,
                         const std::filesystem::path& plugin, std::chrono::milliseconds timeout) {
  try {
    const auto child = detail::run_child({executable.string(), kProbeSubcommand, plugin.string()},
                                         kProbeResultFd, timeout, kMaxResultBytes);
    return classify(child, timeout);
  } catch (const std::exception& e) {
    return make(ProbeStatus::kFailed, fmt::format("cannot probe: {}", e.what()));
  }
}

}  // namespace quarry::registry
