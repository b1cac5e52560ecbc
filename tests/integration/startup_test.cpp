// `quarry serve` start-up through the front: the opening answers it replays from the startup
// snapshot are the engine's own, the engine takes the session over seamlessly, and any
// change to the plugins makes the front step aside.

#include "mcp_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace quarry::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixtures = QUARRY_TEST_BINARY_DIR "/test-plugins/fixtures";
const fs::path kStatsPlugin = QUARRY_TEST_BINARY_DIR "/plugins/libquarry_stats.so";
constexpr std::string_view kHandedOver = "continuing the session the quarry front began";

struct Opening {
  json initialize;
  json tools;
  json health;
  std::string log;
};

class StartupSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(kFixtures / "libquarry_test_fixtures.so", plugins_.path() / "libfixtures.so");
  }

  std::vector<std::string> args() const {
    return {"serve",
            "--plugin-dir",
            plugins_.path().string(),
            "--set",
            "plugins.cache_dir=" + (cache_.path() / "registry").string(),
            "--log-level",
            "debug"};
  }
  std::vector<std::string> env() const { return {"XDG_CACHE_HOME=" + cache_.path().string()}; }

  //! initialize, tools/list, one tool call, then end of input; waits for the exit (when the
  //! engine records the snapshot).
  Opening open_session() const {
    McpProcess server(args(), env());
    Opening opening;
    opening.initialize = server.initialize("2025-11-25");
    opening.tools = server.request("tools/list");
    opening.health = server.request("tools/call", {{"name", "quarry_health"}, {"arguments", {}}});
    server.close_stdin();
    EXPECT_EQ(server.wait_exit(20s), 0);
    EXPECT_TRUE(server.garbage().empty());
    opening.log = server.stderr_text();
    return opening;
  }

  std::size_t snapshots() const {
    const fs::path dir = cache_.path() / "quarry" / "startup";
    if (!fs::exists(dir)) return 0;
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }

  TempDir cache_;
  TempDir plugins_;
};

std::vector<std::string> tool_names(const json& list) {
  std::vector<std::string> names;
  for (const auto& tool : list.at("result").at("tools")) names.push_back(tool.at("name"));
  return names;
}

TEST_F(StartupSnapshot, ReplaysTheEnginesOwnAnswersAndHandsTheSessionOver) {
  const Opening first = open_session();
  EXPECT_EQ(first.log.find(kHandedOver), std::string::npos) << first.log;
  EXPECT_EQ(snapshots(), 1u);

  const Opening second = open_session();
  EXPECT_NE(second.log.find(kHandedOver), std::string::npos) << second.log;
  EXPECT_EQ(second.initialize, first.initialize);
  EXPECT_EQ(second.tools, first.tools);
  // The engine continues the session the front began: calls work without a new initialize.
  ASSERT_TRUE(second.health.contains("result")) << second.health.dump();
  EXPECT_FALSE(second.health["result"].value("isError", false)) << second.health.dump();
}

//! The one snapshot file of this test's launches.
fs::path only_snapshot(const fs::path& cache_home) {
  const fs::directory_iterator entries(cache_home / "quarry" / "startup");
  return entries->path();
}

//! Ends the session and returns the list_changed notifications it sent: the engine records
//! (and compares) its own answers by the time it exits, however slow the machine.
std::vector<json> list_changes_by_exit(McpProcess& server) {
  server.request("ping");  // the front leaves ping to the engine: it is running from here on
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(30s), 0);
  while (server.read_message(100ms)) {
  }
  return server.take_notifications("notifications/tools/list_changed");
}

TEST_F(StartupSnapshot, SaysNothingWhenTheReplayedListWasCurrent) {
  (void)open_session();
  McpProcess server(args(), env());
  server.initialize("2025-11-25");
  server.request("tools/list");
  EXPECT_TRUE(list_changes_by_exit(server).empty());
}

TEST_F(StartupSnapshot, AnnouncesAChangedListWhenTheReplayedOneWasOutOfDate) {
  (void)open_session();
  // Make the recorded answers look different from the engine's (as when a plugin changed
  // between the front's check and the engine's scan): only the digest is altered.
  const fs::path file = only_snapshot(cache_.path());
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto at = text.find("\"digest\":");
  ASSERT_NE(at, std::string::npos);
  const auto end = text.find_first_not_of("0123456789", at + 9);
  text.replace(at, end - at, "\"digest\":1");
  std::ofstream(file, std::ios::binary) << text;

  McpProcess server(args(), env());
  server.initialize("2025-11-25");
  server.request("tools/list");
  EXPECT_EQ(list_changes_by_exit(server).size(), 1u);
}

TEST_F(StartupSnapshot, StepsAsideWhenAPluginIsAdded) {
  const Opening before = open_session();
  fs::copy_file(kStatsPlugin, plugins_.path() / "libquarry_stats.so");
  const Opening after = open_session();
  EXPECT_EQ(after.log.find(kHandedOver), std::string::npos) << after.log;
  const auto names = tool_names(after.tools);
  EXPECT_NE(std::find(names.begin(), names.end(), "stats_describe"), names.end());
  EXPECT_GT(names.size(), tool_names(before.tools).size());

  const Opening again = open_session();  // the engine recorded the new answers
  EXPECT_NE(again.log.find(kHandedOver), std::string::npos) << again.log;
  EXPECT_EQ(again.tools, after.tools);
}

TEST_F(StartupSnapshot, StepsAsideWhenAPluginIsRemoved) {
  fs::copy_file(kStatsPlugin, plugins_.path() / "libquarry_stats.so");
  (void)open_session();
  fs::remove(plugins_.path() / "libquarry_stats.so");
  const Opening after = open_session();
  EXPECT_EQ(after.log.find(kHandedOver), std::string::npos) << after.log;
  const auto names = tool_names(after.tools);
  EXPECT_EQ(std::find(names.begin(), names.end(), "stats_describe"), names.end());
}

TEST_F(StartupSnapshot, AnswersPipelinedRequestsInOrderAcrossTheHandover) {
  (void)open_session();
  McpProcess server(args(), env());
  server.send({{"jsonrpc", "2.0"},
               {"id", "init"},
               {"method", "initialize"},
               {"params", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}}}});
  server.send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  server.send({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/list"}});
  server.send({{"jsonrpc", "2.0"},
               {"id", 8},
               {"method", "tools/call"},
               {"params", {{"name", "quarry_health"}, {"arguments", json::object()}}}});
  server.send({{"jsonrpc", "2.0"}, {"id", 9}, {"method", "ping"}});
  EXPECT_EQ(server.wait_response("init")["result"]["protocolVersion"], "2025-06-18");
  EXPECT_FALSE(server.wait_response(7)["result"]["tools"].empty());
  EXPECT_TRUE(server.wait_response(8).contains("result"));
  EXPECT_EQ(server.wait_response(9)["result"], json::object());
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(20s), 0);
  EXPECT_TRUE(server.garbage().empty());
}

TEST_F(StartupSnapshot, SnapshotsOfOtherLaunchesAreNotUsed) {
  (void)open_session();
  // Another output root: another launch key, so the engine answers (and records its own).
  McpProcess server(
      [&] {
        auto other = args();
        other.insert(other.end(), {"--output-root", cache_.path().string()});
        return other;
      }(),
      env());
  server.initialize("2025-11-25");
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(20s), 0);
  EXPECT_EQ(server.stderr_text().find(kHandedOver), std::string::npos);
  EXPECT_EQ(snapshots(), 2u);
}

}  // namespace
}  // namespace quarry::testing
