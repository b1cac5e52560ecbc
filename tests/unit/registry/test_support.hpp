#pragma once
// Shared helpers for the registry tests: temporary directories, the test plugins,
// a recording CallContext and a way to wait for asynchronous effects.

#include "quarry/registry/registry.hpp"
#include "quarry/tools/tool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace quarry::registry::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

//! The test plugins, built by tests/unit/CMakeLists.txt.
struct Plugins {
  static fs::path good() { return QUARRY_TEST_PLUGIN_GOOD; }
  static fs::path good_v2() { return QUARRY_TEST_PLUGIN_GOOD_V2; }
  static fs::path wrong_major() { return QUARRY_TEST_PLUGIN_WRONG_MAJOR; }
  static fs::path no_init() { return QUARRY_TEST_PLUGIN_NO_INIT; }
  static fs::path init_crash() { return QUARRY_TEST_PLUGIN_INIT_CRASH; }
  static fs::path init_hang() { return QUARRY_TEST_PLUGIN_INIT_HANG; }
  static fs::path init_fails() { return QUARRY_TEST_PLUGIN_INIT_FAILS; }
  static fs::path noisy() { return QUARRY_TEST_PLUGIN_NOISY; }
  static fs::path invalid_schema() { return QUARRY_TEST_PLUGIN_INVALID_SCHEMA; }
  static fs::path duplicate() { return QUARRY_TEST_PLUGIN_DUPLICATE; }
  static fs::path not_plugin() { return QUARRY_TEST_PLUGIN_NOT_PLUGIN; }
  static fs::path misbehaving() { return QUARRY_TEST_PLUGIN_MISBEHAVING_CALLS; }
};

//! The real quarry binary, which answers `quarry __probe <plugin>`.
inline fs::path quarry_binary() {
  return QUARRY_BINARY;
}

//! In AddressSanitizer builds, lets probe children die from SIGSEGV instead of having
//! ASan catch it and spend seconds symbolizing a report (children inherit the variable).
inline void let_probe_children_crash() {
#if defined(__SANITIZE_ADDRESS__)
  const char* current = std::getenv("ASAN_OPTIONS");
  const std::string options = std::string(current ? current : "") + ":handle_segv=0";
  ::setenv("ASAN_OPTIONS", options.c_str(), 1);
#endif
}

//! A fresh directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("quarry-registry-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path_);
    path_ = fs::canonical(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

//! Sets a file's mtime an hour back, as for a plugin installed long ago.
inline void make_old(const fs::path& file) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

//! Copies `from` to `to` through a temporary file and a rename (how installers replace).
inline void replace_file(const fs::path& from, const fs::path& to) {
  const fs::path temp = to.string() + ".partial";
  fs::copy_file(from, temp, fs::copy_options::overwrite_existing);
  fs::rename(temp, to);
}

inline std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

//! Passes when `text` contains `part`; the message shows both.
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

//! Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 4000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

//! A CallContext that records what the tool reported and can cancel after N progress
//! reports.
class RecordingContext final : public tools::CallContext {
 public:
  struct Progress {
    double done;
    std::optional<double> total;
    std::string message;
  };
  struct Log {
    tools::MessageLevel level;
    nlohmann::json data;
    std::string logger;
  };

  explicit RecordingContext(std::optional<std::size_t> cancel_after = std::nullopt)
      : cancel_after_(cancel_after) {}

  bool cancelled() const override {
    std::lock_guard lock(mutex_);
    return cancel_after_ && progress_.size() >= *cancel_after_;
  }
  void progress(double done, std::optional<double> total, std::string_view message) override {
    std::lock_guard lock(mutex_);
    progress_.push_back({done, total, std::string(message)});
  }
  void log(tools::MessageLevel level, const nlohmann::json& data,
           std::string_view logger) override {
    std::lock_guard lock(mutex_);
    logs_.push_back({level, data, std::string(logger)});
  }

  std::vector<Progress> progress_reports() const {
    std::lock_guard lock(mutex_);
    return progress_;
  }
  std::vector<Log> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }

 private:
  std::optional<std::size_t> cancel_after_;
  mutable std::mutex mutex_;
  std::vector<Progress> progress_;
  std::vector<Log> logs_;
};

//! A plugin directory, a cache directory and options pointing the probe at quarry.
class RegistryFixture : public ::testing::Test {
 protected:
  [[nodiscard]] fs::path plugin_dir() const { return root_.path() / "plugins"; }
  [[nodiscard]] fs::path cache_dir() const { return root_.path() / "cache"; }
  [[nodiscard]] fs::path cache_file() const { return cache_dir() / "registry-v1.jsonl"; }

  void SetUp() override { fs::create_directories(plugin_dir()); }

  [[nodiscard]] RegistryOptions options() const {
    RegistryOptions options;
    options.dirs = {plugin_dir()};
    options.cache_dir = cache_dir();
    options.probe_timeout = 20s;  // generous: the machine may be busy
    options.probe_executable = quarry_binary();
    return options;
  }

  //! The plugin lines of the cache file (JSON Lines: a header, then one line per plugin).
  [[nodiscard]] std::vector<nlohmann::json> cached_plugins() const {
    std::vector<nlohmann::json> plugins;
    std::istringstream lines(read_text(cache_file()));
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) plugins.push_back(nlohmann::json::parse(line));
    return plugins;
  }

  //! Copies a test plugin into the plugin directory as `name`, with an old mtime.
  fs::path install(const fs::path& plugin, const std::string& name) const {
    const fs::path target = plugin_dir() / name;
    fs::copy_file(plugin, target, fs::copy_options::overwrite_existing);
    make_old(target);
    return target;
  }

  //! The tool of that name in `registry`, or nullptr.
  static tools::ToolPtr find_tool(const PluginRegistry& registry, const std::string& name) {
    for (auto& tool : registry.tools())
      if (tool->descriptor().name == name) return tool;
    return nullptr;
  }

  static std::vector<std::string> tool_names(const PluginRegistry& registry) {
    std::vector<std::string> names;
    for (const auto& tool : registry.tools()) names.push_back(tool->descriptor().name);
    return names;
  }

  //! The status entry of the plugin installed as `name`.
  static PluginEntry entry(const PluginRegistry& registry, const std::string& name) {
    for (auto& plugin : registry.plugins())
      if (plugin.path.filename() == name) return plugin;
    ADD_FAILURE() << "no plugin " << name;
    return {};
  }

  TempDir root_;
};

}  // namespace quarry::registry::test
