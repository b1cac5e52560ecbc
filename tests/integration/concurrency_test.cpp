// Concurrency, progress and cancellation of `quarry serve` over real pipes.

#include "mcp_process.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kFixtures = QUARRY_TEST_BINARY_DIR "/test-plugins/fixtures";

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.initialize("2025-11-25"); }
  TempDir home_;
  McpProcess server_{{"serve", "--plugin-dir", kFixtures}, {"HOME=" + home_.path().string()}};
};

TEST_F(ConcurrencyTest, HundredPingsAreAnsweredWhileASlowCallRuns) {
  const int slow =
      server_.request_async("tools/call", {{"name", "test_sleep"}, {"arguments", {{"ms", 3000}}}});
  std::vector<int> pings;
  for (int i = 0; i < 100; ++i) pings.push_back(server_.request_async("ping"));
  // Every ping must come back before the slow call's response.
  std::set<int> answered;
  while (answered.size() < pings.size()) {
    const auto message = server_.read_message(2500ms);
    ASSERT_TRUE(message.has_value()) << "pings stalled behind the slow call";
    if (!message->contains("id") || message->contains("method")) continue;
    ASSERT_NE((*message)["id"], slow) << "the slow call finished before all pings were answered";
    answered.insert((*message)["id"].get<int>());
  }
  EXPECT_TRUE(server_.wait_response(slow, 10s).contains("result"));
}

TEST_F(ConcurrencyTest, ToolsListAndOtherCallsAreNotBlockedByASlowCall) {
  const int slow =
      server_.request_async("tools/call", {{"name", "test_sleep"}, {"arguments", {{"ms", 3000}}}});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(server_.request("tools/list").contains("result"));
  const auto echo =
      server_.request("tools/call", {{"name", "test_echo"}, {"arguments", {{"text", "hi"}}}});
  EXPECT_FALSE(echo["result"].value("isError", false)) << echo;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(server_.wait_response(slow, 10s).contains("result"));
}

TEST_F(ConcurrencyTest, ProgressIsSentOnlyWhenAskedAndIncreases) {
  const auto response = server_.request("tools/call", {{"name", "test_sleep"},
                                                       {"arguments", {{"ms", 200}, {"steps", 5}}},
                                                       {"_meta", {{"progressToken", "tok-1"}}}});
  ASSERT_TRUE(response.contains("result"));
  const auto progress = server_.take_notifications("notifications/progress");
  ASSERT_GE(progress.size(), 3u);
  double last = -1;
  for (const auto& note : progress) {
    EXPECT_EQ(note["params"]["progressToken"], "tok-1");
    EXPECT_GT(note["params"]["progress"].get<double>(), last);
    last = note["params"]["progress"].get<double>();
    EXPECT_EQ(note["params"]["total"], 5);
  }
  server_.request("tools/call",
                  {{"name", "test_sleep"}, {"arguments", {{"ms", 50}, {"steps", 5}}}});
  EXPECT_TRUE(server_.take_notifications("notifications/progress").empty());
}

TEST_F(ConcurrencyTest, CancelledCallStopsAndIsNeverAnswered) {
  const int slow =
      server_.request_async("tools/call", {{"name", "test_sleep"},
                                           {"arguments", {{"ms", 20000}, {"steps", 1000}}},
                                           {"_meta", {{"progressToken", 9}}}});
  // Wait until it is running (first progress), then cancel.
  while (server_.take_notifications("notifications/progress").empty()) {
    ASSERT_TRUE(server_.read_message(5s).has_value());
  }
  server_.send({{"jsonrpc", "2.0"},
                {"method", "notifications/cancelled"},
                {"params", {{"requestId", slow}, {"reason", "test"}}}});
  const auto cancelled_at = std::chrono::steady_clock::now();
  // The health tool sees the call finish (as an error) within a second; no response arrives.
  bool finished = false;
  while (!finished && std::chrono::steady_clock::now() - cancelled_at < 2s) {
    const auto health = server_.request("tools/call", {{"name", "quarry_health"}});
    const auto& tools = health["result"]["structuredContent"]["tools"];
    finished = tools.contains("test_sleep") && tools["test_sleep"]["calls"] == 1;
  }
  EXPECT_TRUE(finished) << "the cancelled call kept running";
  while (auto message = server_.read_message(300ms)) {
    EXPECT_FALSE(message->contains("id") && (*message)["id"] == slow) << "answered after cancel";
  }
}

TEST_F(ConcurrencyTest, HealthCountsCallsErrorsAndLatency) {
  server_.request("tools/call", {{"name", "test_echo"}, {"arguments", {{"text", "a"}}}});
  server_.request("tools/call", {{"name", "test_fail_status"}});
  const auto health = server_.request("tools/call", {{"name", "quarry_health"}});
  const auto& data = health["result"]["structuredContent"];
  EXPECT_EQ(data["tools"]["test_echo"]["calls"], 1);
  EXPECT_EQ(data["tools"]["test_fail_status"]["errors"], 1);
  EXPECT_GT(data["peak_rss_bytes"].get<long>(), 0);
  EXPECT_GE(data["tools"]["test_echo"]["p95_ms"].get<double>(),
            data["tools"]["test_echo"]["p50_ms"].get<double>());
}

}  // namespace
}  // namespace quarry::testing
