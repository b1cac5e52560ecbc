// Sandbox::glob_inputs: which files a pattern matches under the data roots.

#include "quarry/sandbox/sandbox.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace quarry::sandbox {
namespace {

namespace fs = std::filesystem;

class GlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("quarry-glob-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* file : {"a.csv", "b.csv", "c.jsonl", ".hidden.csv", "x/d.csv", "x/y/e.csv",
                             "x/y/f.txt", "2024-01.csv", "2024-11.csv"}) {
      fs::create_directories((root_ / file).parent_path());
      std::ofstream(root_ / file) << "a\n1\n";
    }
    fs::create_directories(root_ / "dir.csv");  // a directory, never a match
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> glob(const std::string& pattern, std::size_t max = 100) const {
    const Sandbox sandbox({root_}, root_ / "out");
    std::vector<std::string> names;
    for (const auto& path : sandbox.glob_inputs(pattern, max))
      names.push_back(path.lexically_relative(fs::canonical(root_)).generic_string());
    return names;
  }

  fs::path root_;
};

using Names = std::vector<std::string>;

TEST_F(GlobTest, StarMatchesWithinOneDirectoryAndSkipsHiddenFilesAndDirectories) {
  EXPECT_EQ(glob("*.csv"), (Names{"2024-01.csv", "2024-11.csv", "a.csv", "b.csv"}));
}

TEST_F(GlobTest, QuestionMarkAndClassesMatchOneCharacter) {
  EXPECT_EQ(glob("?.csv"), (Names{"a.csv", "b.csv"}));
  EXPECT_EQ(glob("2024-[0-1]1.csv"), (Names{"2024-01.csv", "2024-11.csv"}));
  EXPECT_EQ(glob("2024-[!1]1.csv"), (Names{"2024-01.csv"}));
}

TEST_F(GlobTest, DoubleStarCrossesDirectories) {
  EXPECT_EQ(glob("**/*.csv"),
            (Names{"2024-01.csv", "2024-11.csv", "a.csv", "b.csv", "x/d.csv", "x/y/e.csv"}));
  EXPECT_EQ(glob("x/**/*.csv"), (Names{"x/d.csv", "x/y/e.csv"}));
  EXPECT_EQ(glob("x/*/*"), (Names{"x/y/e.csv", "x/y/f.txt"}));
}

TEST_F(GlobTest, ExplicitDotMatchesHiddenFiles) {
  EXPECT_EQ(glob(".*.csv"), (Names{".hidden.csv"}));
}

TEST_F(GlobTest, PatternsLeavingTheRootsAreRefused) {
  EXPECT_THROW((void)glob("../*.csv"), SandboxError);
  EXPECT_THROW((void)glob("/etc/*.conf"), SandboxError);
}

TEST_F(GlobTest, TooManyMatchesIsAnErrorNamingTheLimit) {
  try {
    (void)glob("**/*.csv", 3);
    FAIL() << "expected SandboxError";
  } catch (const SandboxError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 3 files"), std::string::npos) << e.what();
  }
}

TEST_F(GlobTest, NoMatchIsAnEmptyList) {
  EXPECT_TRUE(glob("*.parquet").empty());
}

}  // namespace
}  // namespace quarry::sandbox
