//! Unit tests for quarry/registry/watcher.hpp: inotify events on plugin directories,
//! debouncing, and a registry kept up to date by a watcher.

#include "quarry/registry/watcher.hpp"

#include "test_support.hpp"

namespace quarry::registry::test {
namespace {

class Watcher : public RegistryFixture {
 protected:
  std::atomic<int> calls_{0};
  std::function<void()> count_calls() {
    return [this] { ++calls_; };
  }
};

TEST_F(Watcher, WatchesOnlyExistingDirectories) {
  PluginWatcher watcher({root_.path() / "missing", plugin_dir()}, [] {});
  EXPECT_EQ(watcher.watched(), (std::vector<fs::path>{plugin_dir()}));
}

TEST_F(Watcher, NoticesAPluginAddedAndRemoved) {
  PluginWatcher watcher({plugin_dir()}, count_calls());
  fs::copy_file(Plugins::good(), plugin_dir() / "good.so");
  EXPECT_TRUE(eventually([&] { return calls_ >= 1; }, 2000ms));
  const int after_add = calls_;
  fs::remove(plugin_dir() / "good.so");
  EXPECT_TRUE(eventually([&] { return calls_ > after_add; }, 2000ms));
}

TEST_F(Watcher, IgnoresFilesThatAreNotPlugins) {
  PluginWatcher watcher({plugin_dir()}, count_calls());
  write_text(plugin_dir() / "notes.txt", "hello");
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(calls_, 0);
}

TEST_F(Watcher, DebouncesABurstIntoOneCallback) {
  PluginWatcher watcher({plugin_dir()}, count_calls(), 300ms);
  for (int i = 0; i < 5; ++i) write_text(plugin_dir() / ("p" + std::to_string(i) + ".so"), "x");
  EXPECT_TRUE(eventually([&] { return calls_ >= 1; }, 2000ms));
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(calls_, 1);
}

TEST_F(Watcher, KeepsARegistryUpToDate) {
  PluginRegistry registry(options());
  std::atomic<int> changes{0};
  registry.set_change_callback([&] { ++changes; });
  PluginWatcher watcher(registry.options().dirs, [&] { registry.rescan(); });

  replace_file(Plugins::good(), plugin_dir() / "good.so");
  EXPECT_TRUE(eventually([&] { return registry.tools().size() == 2; }));
  EXPECT_EQ(changes, 1);

  fs::remove(plugin_dir() / "good.so");
  EXPECT_TRUE(eventually([&] { return registry.tools().empty(); }));
  EXPECT_EQ(changes, 2);
}

}  // namespace
}  // namespace quarry::registry::test
