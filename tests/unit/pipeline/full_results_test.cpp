// Full-result files (quarry/pipeline/full_results.hpp): named so that they can be told from
// other files, and the oldest removed past the count and size limits, never the newest.

#include "quarry/pipeline/full_results.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>

namespace quarry::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FullResultsTest : public ::testing::Test {
 protected:
  FullResultsTest()
      : dir_(fs::temp_directory_path() /
             ("full-results-test-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(dir_);
  }
  ~FullResultsTest() override { fs::remove_all(dir_); }

  // Writes `bytes` bytes as `name`, `age` older than now.
  fs::path write(const std::string& name, std::size_t bytes, std::chrono::seconds age) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << std::string(bytes, 'x');
    fs::last_write_time(path, fs::file_time_type::clock::now() - age);
    return path;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir_))
      found.push_back(entry.path().filename().string());
    std::sort(found.begin(), found.end());
    return found;
  }

  fs::path dir_;
};

using Names = std::vector<std::string>;

TEST_F(FullResultsTest, NamesCarryTheToolAndTimeAndAreRecognised) {
  const std::string name = full_result_name("stats_describe");
  EXPECT_TRUE(name.starts_with("stats_describe-"));
  EXPECT_TRUE(name.ends_with(".json"));
  EXPECT_TRUE(is_full_result_name(name));
  EXPECT_FALSE(is_full_result_name("report.json"));
  EXPECT_FALSE(is_full_result_name("stats_describe-20260101T000000-00ff.json.tmp"));
}

TEST_F(FullResultsTest, TheOldestGoFirstPastTheFileCount) {
  write("t-20260101T000003-0003.json", 10, 10s);
  write("t-20260101T000002-0002.json", 10, 20s);
  write("t-20260101T000001-0001.json", 10, 30s);
  const fs::path newest = write("t-20260101T000004-0004.json", 10, 0s);
  prune_full_results(dir_, {2, 1 << 20}, newest);
  EXPECT_EQ(names(), (Names{"t-20260101T000003-0003.json", "t-20260101T000004-0004.json"}));
}

TEST_F(FullResultsTest, TheOldestGoFirstPastTheSizeButTheNewestStaysWhateverItsSize) {
  write("t-20260101T000001-0001.json", 100, 30s);
  write("t-20260101T000002-0002.json", 100, 20s);
  const fs::path newest = write("t-20260101T000003-0003.json", 1000, 0s);
  prune_full_results(dir_, {100, 500}, newest);
  EXPECT_EQ(names(), (Names{"t-20260101T000003-0003.json"}));
}

TEST_F(FullResultsTest, OtherFilesAndTheFileJustWrittenAreNeverRemoved) {
  write("notes.json", 10, 100s);
  write("t-20260101T000001-0001.json.tmp-1", 10, 100s);
  const fs::path just_written = write("t-20260101T000001-0001.json", 10, 50s);
  write("t-20260101T000002-0002.json", 10, 0s);  // another call's, newer
  prune_full_results(dir_, {1, 1 << 20}, just_written);
  EXPECT_EQ(names(), (Names{"notes.json", "t-20260101T000001-0001.json",
                            "t-20260101T000001-0001.json.tmp-1", "t-20260101T000002-0002.json"}));
}

}  // namespace
}  // namespace quarry::pipeline
