//! Unit tests for quarry/registry/registry.hpp: lazy listing, the cache and its
//! invalidation, bad and duplicate plugins, replacement and removal.

#include "quarry/registry/registry.hpp"

#include "test_support.hpp"

#include <quarry/plugin.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

namespace quarry::registry::test {
namespace {

class Registry : public RegistryFixture {};

nlohmann::json structured(const tools::ToolResult& result) {
  return result.structured.value_or(nlohmann::json());
}

tools::ToolResult call(const tools::ToolPtr& tool, nlohmann::json args = nlohmann::json::object()) {
  RecordingContext context;
  return tool->call(args, context);
}

TEST_F(Registry, ListsToolsWithoutLoadingAnyPlugin) {
  install(Plugins::good(), "good.so");
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  const nlohmann::json status = registry.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["path"], (plugin_dir() / "good.so").string());
  EXPECT_EQ(status[0]["name"], "good");
  EXPECT_EQ(status[0]["version"], "1.0.0");
  EXPECT_EQ(status[0]["status"], "ok");
  EXPECT_EQ(status[0]["tools"], nlohmann::json({"echo", "count"}));
  EXPECT_EQ(status[0]["loaded"], false);
  EXPECT_FALSE(status[0].contains("reason"));
}

TEST_F(Registry, DescribesToolsFromTheProbe) {
  install(Plugins::good(), "good.so");
  PluginRegistry registry(options());
  const auto echo = find_tool(registry, "echo");
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->descriptor().description, "Returns its arguments.");
  EXPECT_EQ(echo->descriptor().input_schema["type"], "object");
  EXPECT_EQ(echo->descriptor().annotations["readOnlyHint"], true);
}

TEST_F(Registry, LoadsAPluginOnItsFirstCallOnly) {
  install(Plugins::good(), "good.so");
  PluginRegistry registry(options());
  const auto echo = find_tool(registry, "echo");
  ASSERT_TRUE(echo);
  const tools::ToolResult first = call(echo, {{"text", "hi"}});
  ASSERT_FALSE(first.is_error) << first.content.dump();
  EXPECT_EQ(structured(first)["args"]["text"], "hi");
  EXPECT_EQ(structured(first)["inits"], 1);
  EXPECT_TRUE(entry(registry, "good.so").loaded);
  EXPECT_EQ(structured(call(echo))["inits"], 1);
  EXPECT_FALSE(call(find_tool(registry, "count"), {{"steps", 1}}).is_error);
  EXPECT_EQ(structured(call(echo))["inits"], 1);
}

TEST_F(Registry, LoadsFromAContentAddressedCopy) {
  install(Plugins::good(), "good.so");
  PluginRegistry registry(options());
  ASSERT_FALSE(call(find_tool(registry, "echo")).is_error);
  std::vector<fs::path> copies;
  for (const auto& file : fs::directory_iterator(cache_dir() / "loaded"))
    copies.push_back(file.path().filename());
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_TRUE(copies[0].string().ends_with("-good.so")) << copies[0];
  EXPECT_EQ(copies[0].string().size(), 16 + 1 + 7u);
}

TEST_F(Registry, MakingACopyRemovesThisPluginsCopiesUnusedForADay) {
  install(Plugins::good(), "good.so");
  const fs::path loaded = cache_dir() / "loaded";
  fs::create_directories(loaded);
  const auto now = fs::file_time_type::clock::now();
  const auto plant = [&](const std::string& name, std::chrono::hours age) {
    std::ofstream(loaded / name) << "an older build";
    fs::last_write_time(loaded / name, now - age);
  };
  plant("0000000000000001-good.so", std::chrono::hours(48));   // stale: removed
  plant("0000000000000002-good.so", std::chrono::hours(1));    // used an hour ago: kept
  plant("0000000000000003-other.so", std::chrono::hours(48));  // another plugin's: kept
  plant(".good.so.tmp-1", std::chrono::hours(48));             // not a copy: kept
  PluginRegistry registry(options());
  ASSERT_FALSE(call(find_tool(registry, "echo")).is_error);
  EXPECT_FALSE(fs::exists(loaded / "0000000000000001-good.so"));
  EXPECT_TRUE(fs::exists(loaded / "0000000000000002-good.so"));
  EXPECT_TRUE(fs::exists(loaded / "0000000000000003-other.so"));
  EXPECT_TRUE(fs::exists(loaded / ".good.so.tmp-1"));

  // Loading from an existing copy marks it used, so another process's pruning keeps it.
  fs::path copy;
  for (const auto& file : fs::directory_iterator(loaded)) {
    const std::string name = file.path().filename().string();
    if (name.ends_with("-good.so") && !name.starts_with("000000000000000")) copy = file.path();
  }
  ASSERT_FALSE(copy.empty());
  fs::last_write_time(copy, now - std::chrono::hours(48));
  PluginRegistry second(options());
  ASSERT_FALSE(call(find_tool(second, "echo")).is_error);
  EXPECT_GT(fs::last_write_time(copy), now - std::chrono::hours(1));
}

TEST_F(Registry, InitialisesOnceWhenFirstCallsRace) {
  install(Plugins::good(), "good.so");
  PluginRegistry registry(options());
  const auto echo = find_tool(registry, "echo");
  std::vector<nlohmann::json> inits(8);
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < inits.size(); ++i)
      threads.emplace_back([&, i] { inits[i] = structured(call(echo))["inits"]; });
  }
  for (const auto& count : inits) EXPECT_EQ(count, 1);
}

TEST_F(Registry, SecondInstanceUsesTheCacheWithoutProbingOrHashing) {
  install(Plugins::good(), "good.so");
  { PluginRegistry first(options()); }
  ASSERT_TRUE(fs::exists(cache_file()));
  const auto written = fs::last_write_time(cache_file());
  RegistryOptions no_probe = options();
  no_probe.probe_executable = "/bin/false";  // any probe would fail
  PluginRegistry second(no_probe);
  EXPECT_EQ(tool_names(second), (std::vector<std::string>{"echo", "count"}));
  const ScanStats stats = second.rescan();
  EXPECT_EQ(stats.files, 1u);
  EXPECT_EQ(stats.reused, 1u);
  EXPECT_EQ(stats.probed, 0u);
  EXPECT_EQ(stats.hashed, 0u);
  EXPECT_EQ(fs::last_write_time(cache_file()), written);  // not rewritten
}

TEST_F(Registry, RehashesButDoesNotReprobeATouchedFile) {
  const fs::path file = install(Plugins::good(), "good.so");
  { PluginRegistry first(options()); }
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::minutes(5));
  RegistryOptions no_probe = options();
  no_probe.probe_executable = "/bin/false";
  PluginRegistry second(no_probe);
  EXPECT_EQ(tool_names(second), (std::vector<std::string>{"echo", "count"}));
  EXPECT_EQ(second.rescan().hashed, 0u);  // the new mtime was recorded by the first scan
}

TEST_F(Registry, ReprobesAFileWhoseContentChanged) {
  const fs::path file = install(Plugins::good(), "good.so");
  { PluginRegistry first(options()); }
  install(Plugins::good_v2(), "good.so");
  PluginRegistry second(options());
  EXPECT_EQ(entry(second, "good.so").version, "2.0.0");
  EXPECT_EQ(second.rescan().probed, 0u);
}

//! A named corrupt cache file.
struct CorruptText {
  const char* name;
  std::string text;
};

class CorruptCache : public RegistryFixture, public ::testing::WithParamInterface<CorruptText> {};

TEST_P(CorruptCache, IsRebuiltWithoutCrashing) {
  install(Plugins::good(), "good.so");
  fs::create_directories(cache_dir());
  write_text(cache_file(), GetParam().text);
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  const auto rebuilt = cached_plugins();
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_EQ(rebuilt[0]["path"], (plugin_dir() / "good.so").string());
}

const std::string kHeader = R"({"format":"quarry-registry-cache","version":1,"host_abi_major":1})"
                            "\n";
const std::string kBadEntry =
    R"({"path":"/x.so","size":1,"mtime_ns":1,"hash":"01","verified_ns":1,"status":"bad"})";

INSTANTIATE_TEST_SUITE_P(
    Registry, CorruptCache,
    ::testing::Values(
        CorruptText{"Empty", ""}, CorruptText{"NotJson", "{not json"},
        CorruptText{"NotAnObject", "[1, 2, 3]"},
        CorruptText{"OtherFormat", "{\"format\": \"something else\"}\n"},
        CorruptText{"EntryNotAnObject", kHeader + "[]\n"},
        CorruptText{"WrongType", kHeader + R"({"path":"/x.so","size":"big"})"},
        CorruptText{"BadHash", kHeader + R"({"path":"/x.so","size":1,"mtime_ns":1,"hash":"zz",)"
                                         R"("verified_ns":1,"status":"ok"})"},
        CorruptText{"ToolWithoutDescription",
                    kHeader +
                        R"({"path":"/x.so","size":1,"mtime_ns":1,"hash":"01","verified_ns":1,)"
                        R"("status":"ok","plugin":{"abi_version":65536,"name":"x","version":"1",)"
                        R"("description":"","tools":[{"name":"t"}]}})"},
        CorruptText{"DuplicatePath", kHeader + kBadEntry + "\n" + kBadEntry},
        CorruptText{"OkWithoutPlugin", kHeader +
                                           R"({"path":"/x.so","size":1,"mtime_ns":1,"hash":"01",)"
                                           R"("verified_ns":1,"status":"ok"})"},
        CorruptText{"TruncatedLine", kHeader + kBadEntry.substr(0, 30)}),
    [](const ::testing::TestParamInfo<CorruptText>& info) { return info.param.name; });

TEST_F(Registry, RebuildsACacheOfAnotherHostAbiMajor) {
  install(Plugins::good(), "good.so");
  fs::create_directories(cache_dir());
  write_text(cache_file(), R"({"format":"quarry-registry-cache","version":1,"host_abi_major":7})");
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  EXPECT_EQ(cached_plugins().size(), 1u);
}

TEST_F(Registry, ListsBadPluginsWithTheirReasons) {
  install(Plugins::good(), "a_good.so");
  install(Plugins::wrong_major(), "wrong_major.so");
  install(Plugins::no_init(), "no_init.so");
  install(Plugins::init_fails(), "init_fails.so");
  install(Plugins::invalid_schema(), "invalid_schema.so");
  install(Plugins::not_plugin(), "not_plugin.so");
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  EXPECT_EQ(entry(registry, "wrong_major.so").reason,
            "built for plugin ABI 2.0; this host speaks 1." + std::to_string(QUARRY_ABI_MINOR));
  EXPECT_TRUE(contains(entry(registry, "no_init.so").reason, "quarry_plugin_init_v1"));
  EXPECT_TRUE(contains(entry(registry, "init_fails.so").reason, "license file missing"));
  EXPECT_TRUE(contains(entry(registry, "invalid_schema.so").reason, "input_schema"));
  EXPECT_TRUE(contains(entry(registry, "not_plugin.so").reason, "not a Quarry plugin"));
  for (const auto& plugin : registry.plugins()) {
    if (plugin.path.filename() == "a_good.so") continue;
    EXPECT_EQ(plugin.status, PluginStatus::kBad) << plugin.path;
    EXPECT_TRUE(plugin.tools.empty());
  }
  for (const auto& item : registry.status()) {
    if (item["status"] == "bad") {
      EXPECT_TRUE(item.contains("reason")) << item.dump();
    }
  }
}

TEST_F(Registry, RemembersABadPluginUntilItsFileChanges) {
  const fs::path file = install(Plugins::wrong_major(), "x.so");
  { PluginRegistry first(options()); }
  RegistryOptions no_probe = options();
  no_probe.probe_executable = "/bin/false";
  {
    PluginRegistry second(no_probe);
    EXPECT_EQ(entry(second, "x.so").reason,
              "built for plugin ABI 2.0; this host speaks 1." + std::to_string(QUARRY_ABI_MINOR));
  }
  install(Plugins::good(), "x.so");
  PluginRegistry third(options());
  EXPECT_EQ(entry(third, "x.so").status, PluginStatus::kOk);
}

TEST_F(Registry, SurvivesPluginsThatCrashOrHangWhileProbed) {
  let_probe_children_crash();
  install(Plugins::good(), "a_good.so");
  install(Plugins::init_crash(), "crash.so");
  install(Plugins::init_hang(), "hang.so");
  // Long enough for a sanitizer-built probe of the good plugin on a loaded CI machine (1 s was
  // not), short enough to keep the hung probe's wait bearable.
  RegistryOptions quick = options();
  quick.probe_timeout = 4000ms;
  PluginRegistry registry(quick);
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  EXPECT_TRUE(contains(entry(registry, "crash.so").reason, "crashed while being probed (SIGSEGV"));
  EXPECT_TRUE(contains(entry(registry, "hang.so").reason, "hung while being probed"));
}

TEST_F(Registry, FirstPluginKeepsADuplicateToolName) {
  install(Plugins::good(), "a_good.so");
  install(Plugins::duplicate(), "b_duplicate.so");
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  const PluginEntry duplicate = entry(registry, "b_duplicate.so");
  EXPECT_EQ(duplicate.status, PluginStatus::kBad);
  EXPECT_EQ(duplicate.reason, "tool 'echo' is already provided by plugin 'good' (" +
                                  (plugin_dir() / "a_good.so").string() + ")");
  EXPECT_EQ(structured(call(find_tool(registry, "echo")))["variant"], 1);
}

TEST_F(Registry, DirectoryOrderDecidesWhoKeepsADuplicateToolName) {
  const fs::path first_dir = root_.path() / "first";
  fs::create_directories(first_dir);
  fs::copy_file(Plugins::duplicate(), first_dir / "z_duplicate.so");
  install(Plugins::good(), "a_good.so");
  RegistryOptions two_dirs = options();
  two_dirs.dirs = {first_dir, plugin_dir()};
  PluginRegistry registry(two_dirs);
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"dup_own", "echo"}));
  EXPECT_EQ(entry(registry, "a_good.so").status, PluginStatus::kBad);
  EXPECT_TRUE(contains(entry(registry, "a_good.so").reason, "plugin 'duplicate'"));
}

TEST_F(Registry, ReplacedPluginTakesEffectAfterRescan) {
  const fs::path file = install(Plugins::good(), "x.so");
  PluginRegistry registry(options());
  int changes = 0;
  registry.set_change_callback([&] { ++changes; });
  const auto old_echo = find_tool(registry, "echo");
  EXPECT_EQ(structured(call(old_echo))["variant"], 1);

  replace_file(Plugins::good_v2(), file);
  const ScanStats stats = registry.rescan();
  EXPECT_EQ(stats.probed, 1u);
  EXPECT_TRUE(stats.tools_changed);
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(entry(registry, "x.so").version, "2.0.0");
  EXPECT_FALSE(entry(registry, "x.so").loaded);  // the new version loads on its first call
  const tools::ToolResult result = call(find_tool(registry, "echo"));
  EXPECT_EQ(structured(result)["variant"], 2) << result.content.dump();
  EXPECT_EQ(structured(result)["inits"], 1);
}

TEST_F(Registry, ReplacedInPlaceWithTheSameSizeIsNoticedByItsHash) {
  if (fs::file_size(Plugins::good()) != fs::file_size(Plugins::good_v2()))
    GTEST_SKIP() << "the two variants differ in size on this toolchain";
  const fs::path file = install(Plugins::good(), "x.so");
  PluginRegistry registry(options());
  const auto mtime = fs::last_write_time(file);
  fs::copy_file(Plugins::good_v2(), file, fs::copy_options::overwrite_existing);
  fs::last_write_time(file, mtime + std::chrono::seconds(1));
  const ScanStats stats = registry.rescan();
  EXPECT_EQ(stats.hashed, 1u);  // hashed once, not again to probe
  EXPECT_EQ(stats.probed, 1u);
  EXPECT_EQ(entry(registry, "x.so").version, "2.0.0");
}

TEST_F(Registry, RemovedPluginDisappearsAndAnnouncesIt) {
  const fs::path file = install(Plugins::good(), "x.so");
  PluginRegistry registry(options());
  int changes = 0;
  registry.set_change_callback([&] { ++changes; });
  fs::remove(file);
  registry.rescan();
  EXPECT_TRUE(registry.tools().empty());
  EXPECT_TRUE(registry.status().empty());
  EXPECT_EQ(changes, 1);
  EXPECT_TRUE(cached_plugins().empty());
}

TEST_F(Registry, RescanWithoutChangesAnnouncesNothing) {
  install(Plugins::good(), "x.so");
  PluginRegistry registry(options());
  int changes = 0;
  registry.set_change_callback([&] { ++changes; });
  EXPECT_FALSE(registry.rescan().tools_changed);
  EXPECT_EQ(changes, 0);
}

TEST_F(Registry, SkipsMissingDirectoriesAndOtherFiles) {
  install(Plugins::good(), "good.so");
  write_text(plugin_dir() / "README.txt", "not a plugin");
  fs::create_directories(plugin_dir() / "sub.so");
  RegistryOptions with_missing = options();
  with_missing.dirs = {root_.path() / "missing", plugin_dir()};
  PluginRegistry registry(with_missing);
  EXPECT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
}

TEST_F(Registry, FindsPluginsThroughSymlinks) {
  const fs::path elsewhere = root_.path() / "elsewhere";
  fs::create_directories(elsewhere);
  fs::copy_file(Plugins::good(), elsewhere / "libgood.so.1");
  fs::create_symlink(elsewhere / "libgood.so.1", plugin_dir() / "good.so");
  PluginRegistry registry(options());
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  EXPECT_EQ(entry(registry, "good.so").status, PluginStatus::kOk);
  EXPECT_FALSE(call(find_tool(registry, "echo")).is_error);
}

TEST_F(Registry, WorksWithoutACacheDirectory) {
  install(Plugins::good(), "good.so");
  RegistryOptions no_cache = options();
  no_cache.cache_dir.clear();
  PluginRegistry registry(no_cache);
  EXPECT_EQ(tool_names(registry), (std::vector<std::string>{"echo", "count"}));
  EXPECT_FALSE(fs::exists(cache_dir()));
}

TEST(RegistryOptions, TakesDirsThenExtraDirsFromSettings) {
  config::Settings::Plugins settings;
  settings.dirs = {"/a", "/b"};
  settings.extra_dirs = {"/c"};
  settings.cache_dir = "/cache";
  settings.probe_timeout_ms = 1234;
  const RegistryOptions options = RegistryOptions::from_settings(settings);
  EXPECT_EQ(options.dirs, (std::vector<fs::path>{"/a", "/b", "/c"}));
  EXPECT_EQ(options.cache_dir, "/cache");
  EXPECT_EQ(options.probe_timeout, 1234ms);
  EXPECT_EQ(options.probe_executable, "/proc/self/exe");
}

}  // namespace
}  // namespace quarry::registry::test
