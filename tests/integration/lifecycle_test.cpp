// Start-up and shutdown of `quarry serve`: EOF, signals, and a stdout that only
// ever carries MCP messages.

#include "mcp_process.hpp"

#include <csignal>

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kFixtures = QUARRY_TEST_BINARY_DIR "/test-plugins/fixtures";

class LifecycleTest : public ::testing::Test {
 protected:
  TempDir home_;
  std::vector<std::string> env() const { return {"HOME=" + home_.path().string()}; }
};

TEST_F(LifecycleTest, EndOfInputFinishesRunningCallsAndExitsZero) {
  McpProcess server({"serve", "--plugin-dir", kFixtures}, env());
  server.initialize();
  const int slow =
      server.request_async("tools/call", {{"name", "test_sleep"}, {"arguments", {{"ms", 500}}}});
  server.close_stdin();
  EXPECT_TRUE(server.wait_response(slow, 5s).contains("result"));
  EXPECT_EQ(server.wait_exit(5s), 0);
}

TEST_F(LifecycleTest, SigtermCancelsRunningCallsAndExitsPromptly) {
  McpProcess server({"serve", "--plugin-dir", kFixtures}, env());
  server.initialize();
  server.request_async("tools/call", {{"name", "test_sleep"}, {"arguments", {{"ms", 60000}}}});
  std::this_thread::sleep_for(200ms);
  const auto sent = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(3s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 3s);
}

TEST_F(LifecycleTest, SigintAlsoExits) {
  McpProcess server({"serve"}, env());
  server.initialize();
  server.signal(SIGINT);
  EXPECT_EQ(server.wait_exit(3s), 0);
}

TEST_F(LifecycleTest, StrayStdoutWritesWithoutPluginsNeverReachTheStream) {
  McpProcess server({"serve"}, {"HOME=" + home_.path().string(),
                                std::string("LD_PRELOAD=") + QUARRY_NOISE_PRELOAD});
  server.initialize();
  std::this_thread::sleep_for(600ms);  // the preloaded library prints once fd 1 is redirected
  EXPECT_TRUE(server.request("ping").contains("result"));
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(5s), 0);
  EXPECT_TRUE(server.garbage().empty()) << server.garbage().front();
  EXPECT_NE(server.stderr_text().find("NOISE FROM A LIBRARY"), std::string::npos);
}

TEST_F(LifecycleTest, PluginPrintingToStdoutDoesNotCorruptTheStream) {
  McpProcess server({"serve", "--plugin-dir", kFixtures}, env());
  server.initialize();
  const auto noisy = server.request("tools/call", {{"name", "test_stdout_noise"}});
  EXPECT_FALSE(noisy["result"].value("isError", false));
  EXPECT_TRUE(server.request("ping").contains("result"));
  EXPECT_TRUE(server.garbage().empty());
}

TEST_F(LifecycleTest, BadConfigurationFailsWithTheKeyNamed) {
  McpProcess server({"serve", "--set", "log.levle=debug"}, env());
  EXPECT_EQ(server.wait_exit(5s), 2);
  EXPECT_NE(server.stderr_text().find("log.level"), std::string::npos);
}

}  // namespace
}  // namespace quarry::testing
