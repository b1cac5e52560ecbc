// The column cache through the real binary over MCP: a second call about the same file is
// served from the cache with the same result; a changed file is parsed again; the
// configuration moves the cache (cache.columns_dir) or turns it off (cache.columns_max_mb=0).

#include "mcp_process.hpp"

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

class ColumnCacheHostTest : public ::testing::Test {
 protected:
  void SetUp() override { write_rows(0.5); }

  void write_rows(double scale) {
    std::ofstream out(data_.path() / "t.csv");
    out << "id,x,cat\n";
    for (int i = 1; i <= 5000; ++i) out << i << "," << i * scale << ",c" << i % 7 << "\n";
  }

  std::unique_ptr<McpProcess> serve(std::vector<std::string> settings = {}) {
    std::vector<std::string> args = {"serve",
                                     "--plugin-dir",
                                     kPlugins,
                                     "--data-root",
                                     data_.path().string(),
                                     "--output-root",
                                     out_.path().string(),
                                     "--set",
                                     "plugins.cache_dir=" + cache().string(),
                                     "--log-level",
                                     "warn"};
    for (const auto& setting : settings) args.insert(args.end(), {"--set", setting});
    auto server = std::make_unique<McpProcess>(args);
    server->initialize();
    return server;
  }

  static json describe(McpProcess& server) {
    const json response = server.request(
        "tools/call", {{"name", "stats_describe"}, {"arguments", {{"path", "t.csv"}}}});
    EXPECT_FALSE(response["result"].value("isError", false)) << response.dump();
    return response["result"]["structuredContent"];
  }

  fs::path cache() const { return home_.path() / "cache"; }

  //! Column files under `dir` (recursively).
  static int column_files(const fs::path& dir) {
    int count = 0;
    if (!fs::exists(dir)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      count += name.starts_with("col-") && name.ends_with(".bin") ? 1 : 0;
    }
    return count;
  }

  TempDir data_;
  TempDir out_;
  TempDir home_;
};

TEST_F(ColumnCacheHostTest, ASecondCallIsServedFromTheCacheWithTheSameResult) {
  auto server = serve();
  const json first = describe(*server);
  EXPECT_EQ(column_files(cache() / "columns"), 3);
  fs::path layout;
  for (const auto& e : fs::recursive_directory_iterator(cache() / "columns")) {
    if (e.path().filename() == "layout.json") layout = e.path();
  }
  ASSERT_FALSE(layout.empty());
  const auto recorded = fs::last_write_time(layout);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const json second = describe(*server);
  EXPECT_EQ(second, first);
  EXPECT_GT(fs::last_write_time(layout), recorded);  // an entry is touched when it serves a read
}

TEST_F(ColumnCacheHostTest, AChangedFileIsParsedAgain) {
  auto server = serve();
  const json before = describe(*server);
  write_rows(0.25);  // a different file at the same path
  fs::last_write_time(data_.path() / "t.csv",
                      fs::last_write_time(data_.path() / "t.csv") + std::chrono::seconds(2));
  const json after = describe(*server);
  EXPECT_NE(after.dump(), before.dump());
  auto fresh = serve({"cache.columns_max_mb=0"});
  EXPECT_EQ(describe(*fresh), after);
}

TEST_F(ColumnCacheHostTest, TheConfigurationMovesOrTurnsOffTheCache) {
  auto off = serve({"cache.columns_max_mb=0"});
  (void)describe(*off);
  (void)describe(*off);
  EXPECT_EQ(column_files(cache()), 0);
  const fs::path elsewhere = home_.path() / "elsewhere";
  auto moved = serve({"cache.columns_dir=" + elsewhere.string()});
  (void)describe(*moved);
  EXPECT_EQ(column_files(elsewhere), 3);
  EXPECT_EQ(column_files(cache()), 0);
}

}  // namespace
}  // namespace quarry::testing
