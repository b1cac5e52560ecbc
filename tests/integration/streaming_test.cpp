// Files much larger than the memory budget, through the real binary: bounded peak
// RSS, prompt cancellation, and no output file that looks complete after a
// cancelled or killed run.

#include "mcp_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

// Writes a CSV of about `bytes` bytes: id, two floats, an integer and a category.
void write_csv(const fs::path& path, std::uint64_t bytes) {
  std::ofstream out(path);
  out << "id,a,b,c,cat\n";
  std::mt19937_64 random(42);
  std::normal_distribution<double> normal;
  const char* categories[] = {"alpha", "beta", "gamma", "delta"};
  char line[128];
  for (std::uint64_t id = 0; static_cast<std::uint64_t>(out.tellp()) < bytes; ++id) {
    for (int i = 0; i < 1000; ++i, ++id) {
      const int n = std::snprintf(
          line, sizeof line, "%llu,%.6f,%.3f,%llu,%s\n", static_cast<unsigned long long>(id),
          normal(random), 1000 * std::abs(normal(random)),
          static_cast<unsigned long long>(random() % 1000000), categories[random() % 4]);
      out.write(line, n);
    }
  }
}

struct Finished {
  int status = -1;
  long peak_rss_kib = 0;
};

// Runs quarry with `args` to completion, returning its exit status and peak RSS.
Finished run_quarry(std::vector<std::string> args) {
  args.insert(args.begin(), QUARRY_BINARY);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, QUARRY_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  Finished finished;
  rusage usage{};
  int status = 0;
  wait4(pid, &status, 0, &usage);
  finished.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  finished.peak_rss_kib = usage.ru_maxrss;
  return finished;
}

class StreamingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    write_csv(data_->path() / "big.csv", 160ull << 20);
    write_csv(data_->path() / "small.csv", 1ull << 20);
  }
  static void TearDownTestSuite() { delete data_; }

  std::vector<std::string> common(const std::string& budget_mb) const {
    return {"--plugin-dir",  kPlugins,
            "--data-root",   data_->path().string(),
            "--output-root", out_.path().string(),
            "--set",         "plugins.cache_dir=" + (home_.path() / "cache").string(),
            "--set",         "memory.budget_mb=" + budget_mb,
            "--log-level",   "warn"};
  }

  // Calls `tool` with `arguments` (plus the path, and an output named `output_prefix` +
  // the file when given) on small.csv and big.csv under a 16 MiB budget: both succeed and
  // the big file takes at most 16 MiB more at peak. The process's own footprint (code,
  // libraries, thread stacks) is what the small file needs; the budget bounds everything
  // the data adds on top of it.
  void expect_flat_peak_memory(const std::string& tool, const json& arguments,
                               const std::string& output_prefix = "") const {
    auto call = [&](const std::string& file) {
      json with_path = arguments;
      with_path["path"] = file;
      if (!output_prefix.empty()) with_path["output"] = {{"path", output_prefix + file}};
      auto args = common("16");
      args.insert(args.begin(), {"call", tool, "--json", "--args", with_path.dump()});
      return run_quarry(args);
    };
    const auto small = call("small.csv");
    const auto big = call("big.csv");
    ASSERT_EQ(small.status, 0);
    ASSERT_EQ(big.status, 0);
    EXPECT_LE(big.peak_rss_kib, small.peak_rss_kib + 16 * 1024)
        << tool << ": small file " << small.peak_rss_kib << " KiB, 160 MB file " << big.peak_rss_kib
        << " KiB";
  }

  static TempDir* data_;
  TempDir home_;
  TempDir out_;
};
TempDir* StreamingTest::data_ = nullptr;

TEST_F(StreamingTest, PeakMemoryStaysWithinTheBudgetForAFileTenTimesLarger) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS meaningless";
#endif
  expect_flat_peak_memory("stats_describe", json::object());
}

TEST_F(StreamingTest, ExactDedupSpillsPastTheBudgetAndKeepsPeakMemoryFlat) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS meaningless";
#endif
  // Every row of big.csv is distinct (the id): millions of keys against an 8 MiB share of
  // a 16 MiB budget, so the row hashes must go to the scratch directory.
  expect_flat_peak_memory("clean_dedup", {{"on_budget", "spill"}}, "dedup-");
  auto lines = [](const fs::path& path) {
    std::ifstream in(path);
    return std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  };
  EXPECT_EQ(lines(out_.path() / "dedup-big.csv"), lines(data_->path() / "big.csv"));
  // Nothing is left behind in the scratch directory.
  const fs::path spill = home_.path() / "cache" / "spill";
  if (fs::exists(spill)) {
    EXPECT_TRUE(fs::is_empty(spill));
  }
}

TEST_F(StreamingTest, CancellingMidFileStopsWithinASecondAndWritesNoOutput) {
  McpProcess server([&] {
    auto args = common("16");
    args.insert(args.begin(), "serve");
    return args;
  }());
  server.initialize("2025-11-25");
  const int id = server.request_async(
      "tools/call", {{"name", "pipeline_run"},
                     {"arguments",
                      {{"input", {{"path", "big.csv"}}},
                       {"stages", {{{"tool", "stats_describe"}, {"arguments", json::object()}}}},
                       {"output", {{"path", "copy.csv"}}}}},
                     {"_meta", {{"progressToken", "p"}}}});
  // Wait until parsing is under way (past the type-inference half of the progress).
  bool parsing = false;
  while (!parsing) {
    const auto message = server.read_message(20s);
    ASSERT_TRUE(message.has_value()) << "no progress before the end";
    ASSERT_FALSE(message->contains("id") && (*message)["id"] == id)
        << "finished before it could be cancelled";
    const auto& params = (*message)["params"];
    parsing = (*message)["method"] == "notifications/progress" &&
              params["progress"].get<double>() > params["total"].get<double>() / 2;
  }
  server.send(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", id}}}});
  const auto cancelled_at = std::chrono::steady_clock::now();
  bool finished = false;
  while (!finished && std::chrono::steady_clock::now() - cancelled_at < 1s) {
    const auto health = server.request("tools/call", {{"name", "quarry_health"}});
    finished = health["result"]["structuredContent"]["tools"].contains("pipeline_run");
  }
  EXPECT_TRUE(finished) << "the run went on for more than a second after cancellation";
  for (const auto& entry : fs::recursive_directory_iterator(out_.path())) {
    EXPECT_EQ(entry.path().filename().string().find("copy.csv"), std::string::npos) << entry.path();
  }
}

TEST_F(StreamingTest, KillNineMidWriteLeavesNoOutputThatLooksComplete) {
  const auto pipeline = home_.path() / "copy.toml";
  std::ofstream(pipeline) << "[input]\npath = \"big.csv\"\n[[stages]]\ntool = \"stats_describe\"\n"
                             "[output]\npath = \"copy.csv\"\n";
  auto args = common("16");
  args.insert(args.begin(), {std::string(QUARRY_BINARY), "run", pipeline.string()});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, QUARRY_BINARY, nullptr, nullptr, argv.data(), environ), 0);
  // Kill it once the temporary output exists and is growing.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool writing = false;
  while (!writing && std::chrono::steady_clock::now() < deadline) {
    for (const auto& entry : fs::directory_iterator(out_.path())) {
      writing = writing ||
                (entry.path().extension() == ".partial" && fs::file_size(entry.path()) > (1 << 20));
    }
    std::this_thread::sleep_for(5ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(writing) << "never saw the output being written";
  EXPECT_FALSE(fs::exists(out_.path() / "copy.csv"))
      << "a killed run left a complete-looking output";
}

}  // namespace
}  // namespace quarry::testing
