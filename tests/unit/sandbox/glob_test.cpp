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

TEST_F(GlobTest, RelativePatternIsTakenInTheFirstRootHoldingItsDirectory) {
  const fs::path out = root_ / "separate-out";
  fs::create_directories(out / "w");
  std::ofstream(out / "w" / "norm.csv") << "a\n1\n";
  const Sandbox sandbox({root_ / "x"}, out);
  const auto in_output = sandbox.glob_inputs("w/*.csv", 10);
  ASSERT_EQ(in_output.size(), 1u);
  EXPECT_EQ(in_output[0], fs::canonical(out) / "w" / "norm.csv");
  // The data root holds y/, so y/* is matched there and not looked for in the output root.
  fs::create_directories(out / "y");
  std::ofstream(out / "y" / "z.csv") << "a\n1\n";
  EXPECT_EQ(sandbox.glob_inputs("y/*.csv", 10).size(), 1u);
  EXPECT_EQ(sandbox.glob_inputs("y/*.csv", 10)[0].filename(), "e.csv");
}

TEST_F(GlobTest, MissingPatternDirectoryListsEveryPlaceTried) {
  const Sandbox sandbox({root_}, root_ / "separate-out");
  try {
    (void)sandbox.glob_inputs("nowhere/*.csv", 10);
    FAIL() << "expected SandboxError";
  } catch (const SandboxError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((fs::canonical(root_) / "nowhere").string()), std::string::npos)
        << message;
    EXPECT_NE(message.find((root_ / "separate-out" / "nowhere").string()), std::string::npos)
        << message;
  }
}

TEST_F(GlobTest, SymlinkedFilesMatchUnderTheirOwnNames) {
  fs::create_directories(root_ / "links");
  for (const char* name : {"b1.csv", "b2.csv"})
    fs::create_symlink("../a.csv", root_ / "links" / name);
  EXPECT_EQ(glob("links/*.csv"), (Names{"links/b1.csv", "links/b2.csv"}));
}

TEST_F(GlobTest, NoMatchIsAnEmptyList) {
  EXPECT_TRUE(glob("*.parquet").empty());
}

}  // namespace
}  // namespace quarry::sandbox
