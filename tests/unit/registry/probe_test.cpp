//! Unit tests for quarry/registry/probe.hpp: probing test plugins in a child process
//! (the real quarry binary) and classifying every way a plugin can fail.

#include <quarry/plugin.h>

#include "quarry/registry/probe.hpp"

#include "test_support.hpp"

namespace quarry::registry::test {
namespace {

ProbeResult probe(const fs::path& plugin, std::chrono::milliseconds timeout = 20s) {
  return probe_plugin(quarry_binary(), plugin, timeout);
}

TEST(Probe, DescribesAGoodPlugin) {
  const ProbeResult result = probe(Plugins::good());
  ASSERT_EQ(result.status, ProbeStatus::kOk) << result.reason;
  ASSERT_TRUE(result.plugin);
  const PluginDescription& plugin = *result.plugin;
  EXPECT_EQ(plugin.abi_version, static_cast<std::uint32_t>(QUARRY_ABI_VERSION));
  EXPECT_EQ(plugin.name, "good");
  EXPECT_EQ(plugin.version, "1.0.0");
  ASSERT_EQ(plugin.tools.size(), 2u);
  const ToolInfo& echo = plugin.tools[0];
  EXPECT_EQ(echo.descriptor.name, "echo");
  EXPECT_EQ(echo.descriptor.title, "Echo");
  EXPECT_EQ(echo.descriptor.input_schema["properties"]["text"]["type"], "string");
  ASSERT_TRUE(echo.descriptor.output_schema);
  EXPECT_EQ(echo.descriptor.annotations["readOnlyHint"], true);
  EXPECT_FALSE(echo.streaming);
  const ToolInfo& count = plugin.tools[1];
  EXPECT_TRUE(count.streaming);
  EXPECT_EQ(count.stage_mode, "stateless");
  EXPECT_FALSE(count.descriptor.output_schema);
}

TEST(Probe, RefusesAnotherAbiMajorNamingBothVersions) {
  const ProbeResult result = probe(Plugins::wrong_major());
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_EQ(result.reason,
            "built for plugin ABI 2.0; this host speaks 1." + std::to_string(QUARRY_ABI_MINOR));
}

TEST(Probe, ReportsAMissingInitSymbol) {
  const ProbeResult result = probe(Plugins::no_init());
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_TRUE(contains(result.reason, "missing entry symbol quarry_plugin_init_v1"));
}

TEST(Probe, ReportsAnInitFailureWithThePluginsMessage) {
  const ProbeResult result = probe(Plugins::init_fails());
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_TRUE(contains(result.reason, "QUARRY_ERROR"));
  EXPECT_TRUE(contains(result.reason, "license file missing"));
}

TEST(Probe, RejectsAnInvalidInputSchemaNamingTheTool) {
  const ProbeResult result = probe(Plugins::invalid_schema());
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_TRUE(contains(result.reason, "tool 'broken_schema': input_schema is not valid JSON"));
}

TEST(Probe, RejectsALibraryThatIsNotAPlugin) {
  const ProbeResult result = probe(Plugins::not_plugin());
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_TRUE(contains(result.reason, "not a Quarry plugin"));
}

TEST(Probe, RejectsAFileThatIsNotALibrary) {
  TempDir dir;
  write_text(dir.path() / "text.so", "just text");
  const ProbeResult result = probe(dir.path() / "text.so");
  EXPECT_EQ(result.status, ProbeStatus::kBad);
  EXPECT_TRUE(contains(result.reason, "cannot be loaded"));
}

TEST(Probe, SurvivesAPluginThatCrashesInInit) {
  let_probe_children_crash();
  const ProbeResult result = probe(Plugins::init_crash());
  EXPECT_EQ(result.status, ProbeStatus::kCrashed);
  EXPECT_TRUE(contains(result.reason, "crashed while being probed (SIGSEGV"));
}

TEST(Probe, KillsAPluginThatHangsInInit) {
  const auto started = std::chrono::steady_clock::now();
  const ProbeResult result = probe(Plugins::init_hang(), 1000ms);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status, ProbeStatus::kTimedOut);
  EXPECT_TRUE(contains(result.reason, "no answer within 1000 ms"));
  EXPECT_GE(elapsed, 1000ms);
  EXPECT_LT(elapsed, 5s);
}

TEST(Probe, IgnoresWhatAPluginPrintsToStdout) {
  const ProbeResult result = probe(Plugins::noisy());
  ASSERT_EQ(result.status, ProbeStatus::kOk) << result.reason;
  EXPECT_EQ(result.plugin->name, "noisy");
}

TEST(Probe, ReportsAProbeExecutableThatCannotStart) {
  const ProbeResult result = probe_plugin("/nonexistent/quarry", Plugins::good(), 5s);
  EXPECT_EQ(result.status, ProbeStatus::kFailed);
  EXPECT_TRUE(contains(result.reason, "/nonexistent/quarry"));
}

TEST(Probe, ReportsAProbeThatExitsWithoutAnAnswer) {
  const ProbeResult result = probe_plugin("/bin/false", Plugins::good(), 5s);
  EXPECT_EQ(result.status, ProbeStatus::kFailed);
  EXPECT_TRUE(contains(result.reason, "exited with status 1 without an answer"));
}

}  // namespace
}  // namespace quarry::registry::test
