// Measures what an MCP client feels: the time from spawning `quarry serve` to the
// answer of its first tools/list (after initialize), cold and warm registry cache,
// and the tools/call round-trip rate over one stdio session.
//
//   mcp_session_bench [--runs N] [--calls N] [--plugin-dir DIR] [--tool NAME]

#include "mcp_process.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;
using quarry::testing::McpProcess;
using quarry::testing::TempDir;

struct Options {
  int runs = 25;
  int calls = 2000;
  std::string plugin_dir;
  std::string tool = "quarry_health";
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::vector<std::string> serve_args(const Options& options, const TempDir& cache) {
  std::vector<std::string> args = {"serve", "--log-level", "warn", "--set",
                                   "plugins.cache_dir=" + cache.path().string()};
  if (!options.plugin_dir.empty()) {
    args.insert(args.end(), {"--plugin-dir", options.plugin_dir});
  }
  return args;
}

// Spawn → initialize → tools/list answered, in milliseconds.
double time_to_tool_list(const Options& options, const TempDir& cache, std::size_t& tools) {
  const auto start = steady_clock::now();
  McpProcess server(serve_args(options, cache));
  server.initialize("2025-11-25");
  const auto list = server.request("tools/list", {}, 30s);
  const double ms = duration<double, std::milli>(steady_clock::now() - start).count();
  tools = list["result"]["tools"].size();
  return ms;
}

// Spawn → initialize → tools/list → the first tools/call answered, in milliseconds: with a
// warm start-up snapshot the front answers the listing, and the call waits for the engine.
double time_to_first_call(const Options& options, const TempDir& cache) {
  const auto start = steady_clock::now();
  McpProcess server(serve_args(options, cache));
  server.initialize("2025-11-25");
  server.request("tools/list", {}, 30s);
  server.request("tools/call", {{"name", options.tool}}, 30s);
  return duration<double, std::milli>(steady_clock::now() - start).count();
}

// The machine's floor: spawning and reaping a process that does nothing.
double time_to_spawn_true() {
  const auto start = steady_clock::now();
  pid_t pid = 0;
  char arg0[] = "/bin/true";
  char* argv[] = {arg0, nullptr};
  char* envp[] = {nullptr};
  if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, envp) == 0) waitpid(pid, nullptr, 0);
  return duration<double, std::milli>(steady_clock::now() - start).count();
}

void bench_startup(const Options& options) {
  std::vector<double> floor;
  for (int i = 0; i < options.runs; ++i) floor.push_back(time_to_spawn_true());
  std::vector<double> cold;
  std::vector<double> warm;
  std::size_t tools = 0;
  for (int i = 0; i < options.runs; ++i) {
    TempDir fresh_cache;  // a new cache directory: every plugin is probed
    cold.push_back(time_to_tool_list(options, fresh_cache, tools));
  }
  TempDir cache;
  time_to_tool_list(options, cache, tools);  // fill the cache once
  for (int i = 0; i < options.runs; ++i) warm.push_back(time_to_tool_list(options, cache, tools));
  fmt::print("spawn → initialize → tools/list ({} tools), median of {} runs:\n", tools,
             options.runs);
  fmt::print("  cold cache  {:8.2f} ms\n  warm cache  {:8.2f} ms\n", median(cold), median(warm));
  std::vector<double> first_call;
  for (int i = 0; i < options.runs; ++i) first_call.push_back(time_to_first_call(options, cache));
  fmt::print("  warm cache, then the first tools/call ({}) answered {:8.2f} ms\n", options.tool,
             median(first_call));
  fmt::print("  floor: spawn + reap /bin/true {:.2f} ms\n", median(floor));
}

void bench_calls(const Options& options) {
  TempDir cache;
  McpProcess server(serve_args(options, cache));
  server.initialize("2025-11-25");
  for (int i = 0; i < 50; ++i) server.request("tools/call", {{"name", options.tool}});  // warm up
  const auto start = steady_clock::now();
  for (int i = 0; i < options.calls; ++i) server.request("tools/call", {{"name", options.tool}});
  const double seconds = duration<double>(steady_clock::now() - start).count();
  fmt::print("tools/call {} sequential round trips: {:.0f} calls/s ({:.1f} µs each)\n",
             options.tool, options.calls / seconds, seconds * 1e6 / options.calls);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") options.runs = std::stoi(argv[i + 1]);
    if (flag == "--calls") options.calls = std::stoi(argv[i + 1]);
    if (flag == "--plugin-dir") options.plugin_dir = argv[i + 1];
    if (flag == "--tool") options.tool = argv[i + 1];
  }
  bench_startup(options);
  bench_calls(options);
}
