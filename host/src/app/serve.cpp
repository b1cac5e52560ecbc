#include "app/commands.hpp"
#include "app/host.hpp"
#include "app/startup_snapshot.hpp"
#include "quarry/log/logging.hpp"
#include "quarry/mcp/session.hpp"
#include "quarry/mcp/stdio_channel.hpp"
#include "quarry/registry/watcher.hpp"
#include "quarry/startup/handover.hpp"
#include "quarry/version.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

namespace quarry::app {
namespace {

// In-flight calls get this long to finish after stdin closes before they are cancelled.
constexpr auto kDrainGrace = std::chrono::seconds(10);
// After cancellation, how long to wait for tools to notice before exiting anyway.
constexpr auto kCancelGrace = std::chrono::seconds(2);

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Waits for SIGINT/SIGTERM on a dedicated thread; the signals are blocked everywhere else.
void watch_signals(const mcp::StdioChannel& channel, std::atomic<int>& received) {
  std::thread([&channel, &received] {
    const sigset_t set = termination_signals();
    int signal_number = 0;
    if (sigwait(&set, &signal_number) == 0) {
      received = signal_number;
      channel.stop();
    }
  }).detach();
}

mcp::SessionOptions session_options(const config::Settings& settings) {
  mcp::SessionOptions options;
  options.identity.version = QUARRY_VERSION;
  options.identity.instructions =
      "Quarry analyses tabular data files (CSV, JSON Lines, SQLite) in one streaming pass. "
      "Call tools/list to see the analysis tools; quarry_health reports the host's state.";
  options.max_concurrent_calls = settings.limits.max_concurrent_calls;
  options.call_timeout = std::chrono::seconds(settings.limits.call_timeout_s);
  options.page_size = settings.mcp.page_size;
  options.list_ttl = std::chrono::milliseconds(settings.mcp.list_ttl_ms);
  return options;
}

//! The session the `quarry` front began, when it exec'd this engine (see startup/handover.hpp).
std::optional<startup::Handover> take_handover() {
  const char* named = std::getenv(startup::kHandoverFdVariable);
  if (named == nullptr) return std::nullopt;
  const int fd = std::atoi(named);
  unsetenv(startup::kHandoverFdVariable);
  std::string text;
  char chunk[64 * 1024];
  ssize_t n = 0;
  while ((n = read(fd, chunk, sizeof chunk)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("cannot read it: ") + std::strerror(errno));
    text.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  return startup::Handover::decode(text);
}

//! The files and directories whose state the startup snapshot's answers depend on.
SnapshotInputs snapshot_inputs(const Host& host) {
  SnapshotInputs inputs;
  std::error_code ec;
  inputs.files.push_back(std::filesystem::read_symlink("/proc/self/exe", ec).string());
  for (const auto& file : host.config.consulted_files()) inputs.files.push_back(file.string());
  for (const auto& dir : host.plugins->options().dirs) inputs.directories.push_back(dir.string());
  return inputs;
}

}  // namespace

int run_serve(const GlobalOptions& global) {
  // First of all: nothing but MCP may reach the real stdout.
  const int mcp_fd = mcp::StdioChannel::take_over_stdout();
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::optional<startup::Handover> handover;
  std::string handover_problem;
  try {
    handover = take_handover();
  } catch (const std::exception& e) {
    handover_problem = e.what();
  }
  auto snapshot_target = SnapshotTarget::take_from_environment();

  auto config = load_config(global);
  log::install(config.settings().log);
  if (!handover_problem.empty())
    spdlog::error(
        "the session begun by the quarry front is lost ({}); the client must reconnect. If it "
        "happens again, run quarry-engine directly (or remove ~/.cache/quarry/startup) and "
        "report it",
        handover_problem);
  const auto& settings = config.settings();
  // Tool calls block their worker, so allow one thread per concurrent call besides the cores.
  // Set on the first call: starting TBB costs milliseconds a client listing tools would wait.
  const auto threads = std::max<std::size_t>(std::thread::hardware_concurrency(),
                                             settings.limits.max_concurrent_calls + 1);
  std::optional<tbb::global_control> parallelism;
  mcp::SessionOptions options = session_options(settings);
  options.before_first_call = [&parallelism, threads] {
    parallelism.emplace(tbb::global_control::max_allowed_parallelism, threads);
  };

  Host host = build_host(std::move(config));
  mcp::StdioChannel channel(STDIN_FILENO, mcp_fd);
  if (handover) channel.unread(handover->unread);
  const mcp::SessionOptions recorded_options = options;
  mcp::Session session(std::move(options), host.catalog, host.stats, channel);
  if (handover && handover->initialize) {
    session.resume(*handover->initialize);
    spdlog::debug(
        "continuing the session the quarry front began: it answered {} from the "
        "startup snapshot",
        handover->served ? "initialize and tools/list" : "initialize");
  }
  std::unique_ptr<StartupSnapshotKeeper> snapshot;
  if (snapshot_target) {
    snapshot = std::make_unique<StartupSnapshotKeeper>(
        std::move(*snapshot_target), snapshot_inputs(host), recorded_options, host.catalog,
        handover ? handover->served : std::nullopt, [&session] { session.tools_changed(); });
  }
  host.catalog->set_change_listener([&session, &snapshot] {
    session.tools_changed();
    if (snapshot) snapshot->refresh();
  });
  std::atomic<int> signal_received{0};
  watch_signals(channel, signal_received);
  std::unique_ptr<registry::PluginWatcher> watcher;
  if (host.config.settings().plugins.watch) {
    watcher = std::make_unique<registry::PluginWatcher>(host.plugins->options().dirs,
                                                        [&host] { host.plugins->rescan(); });
  }
  spdlog::info("quarry {} serving MCP on stdio ({} tools)", QUARRY_VERSION,
               host.catalog->list().size());

  std::string line;
  while (true) {
    const auto status = channel.read_line(line);
    if (status == mcp::StdioChannel::ReadStatus::kLine) {
      session.handle_line(line);
    } else if (status == mcp::StdioChannel::ReadStatus::kTooLong) {
      channel.send(
          mcp::make_error(nullptr, {mcp::ErrorCode::kParseError,
                                    "Parse error: message longer than 256 MiB skipped", nullptr}));
    } else {
      break;
    }
  }
  watcher.reset();
  host.catalog->set_change_listener(nullptr);
  if (signal_received != 0) {
    spdlog::info("signal {} received: cancelling running calls", signal_received.load());
  } else {
    spdlog::info("stdin closed: finishing running calls");
    session.wait_idle(kDrainGrace);
  }
  session.cancel_all();
  if (!session.wait_idle(kCancelGrace)) {
    spdlog::warn("a tool ignored cancellation; exiting without it");
    spdlog::default_logger()->flush();
    _exit(0);
  }
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace quarry::app
