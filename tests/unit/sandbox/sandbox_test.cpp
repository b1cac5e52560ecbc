// The sandbox refuses every way out of its roots and says which roots are allowed.

#include "quarry/sandbox/sandbox.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace quarry::sandbox {
namespace {
namespace fs = std::filesystem;

class SandboxTest : public ::testing::Test {
 protected:
  SandboxTest()
      : base_(fs::temp_directory_path() /
              ("sandbox-test-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(base_ / "data" / "sub");
    fs::create_directories(base_ / "elsewhere");
    fs::create_directories(base_ / "out");
    std::ofstream(base_ / "data" / "a.csv") << "x\n1\n";
    std::ofstream(base_ / "data" / "sub" / "b.csv") << "x\n1\n";
    std::ofstream(base_ / "elsewhere" / "secret.csv") << "x\n1\n";
  }
  ~SandboxTest() override { fs::remove_all(base_); }

  Sandbox sandbox() const { return Sandbox({base_ / "data"}, base_ / "out"); }
  static std::string error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const SandboxError& e) {
      return e.what();
    }
    return "";
  }

  fs::path base_;
};

TEST_F(SandboxTest, RelativeInputResolvesUnderTheFirstDataRoot) {
  EXPECT_EQ(sandbox().resolve_input("sub/b.csv"), fs::canonical(base_ / "data" / "sub" / "b.csv"));
}

TEST_F(SandboxTest, AbsoluteInputInsideARootIsAllowed) {
  EXPECT_NO_THROW((void)sandbox().resolve_input((base_ / "data" / "a.csv").string()));
}

TEST_F(SandboxTest, DotDotOutOfTheRootIsRefusedNamingTheRoots) {
  const auto message = error_of([&] { (void)sandbox().resolve_input("../elsewhere/secret.csv"); });
  EXPECT_NE(message.find("outside the data roots"), std::string::npos) << message;
  EXPECT_NE(message.find((base_ / "data").string()), std::string::npos) << message;
}

TEST_F(SandboxTest, AbsolutePathElsewhereIsRefused) {
  EXPECT_FALSE(error_of([&] { (void)sandbox().resolve_input("/etc/passwd"); }).empty());
}

TEST_F(SandboxTest, SymlinkLeavingTheRootIsRefused) {
  fs::create_symlink(base_ / "elsewhere" / "secret.csv", base_ / "data" / "link.csv");
  EXPECT_NE(error_of([&] { (void)sandbox().resolve_input("link.csv"); }).find("outside"),
            std::string::npos);
}

TEST_F(SandboxTest, MissingInputSaysWhereItLooked) {
  const auto message = error_of([&] { (void)sandbox().resolve_input("nope.csv"); });
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
}

TEST_F(SandboxTest, RelativeInputIsLookedUpInTheDataRootsInOrderThenTheOutputRoot) {
  fs::create_directories(base_ / "second" / "w");
  fs::create_directories(base_ / "out" / "w");
  std::ofstream(base_ / "second" / "w" / "both.csv") << "x\n1\n";
  std::ofstream(base_ / "out" / "w" / "both.csv") << "x\n2\n";
  std::ofstream(base_ / "out" / "w" / "norm.csv") << "x\n3\n";
  const Sandbox two_roots({base_ / "data", base_ / "second"}, base_ / "out");
  EXPECT_EQ(two_roots.resolve_input("w/both.csv"), fs::canonical(base_ / "second/w/both.csv"));
  EXPECT_EQ(two_roots.resolve_input("w/norm.csv"), fs::canonical(base_ / "out/w/norm.csv"));
  EXPECT_EQ(two_roots.resolve_input("a.csv"), fs::canonical(base_ / "data/a.csv"));
}

TEST_F(SandboxTest, MissingRelativeInputListsEveryPlaceTriedInOrder) {
  const Sandbox two_roots({base_ / "data", base_ / "second"}, base_ / "out");
  const auto message = error_of([&] { (void)two_roots.resolve_input("w/norm.csv"); });
  const auto first = message.find((base_ / "data/w/norm.csv").string());
  const auto second = message.find((base_ / "second/w/norm.csv").string());
  const auto output = message.find((base_ / "out/w/norm.csv").string());
  ASSERT_NE(first, std::string::npos) << message;
  ASSERT_NE(second, std::string::npos) << message;
  ASSERT_NE(output, std::string::npos) << message;
  EXPECT_LT(first, second);
  EXPECT_LT(second, output);
  EXPECT_NE(message.find("data roots in order, then in the output root"), std::string::npos)
      << message;
}

TEST_F(SandboxTest, FilesUnderTheOutputRootAreReadableByAbsolutePath) {
  std::ofstream(base_ / "out" / "written.csv") << "x\n1\n";
  EXPECT_EQ(sandbox().resolve_input((base_ / "out" / "written.csv").string()),
            fs::canonical(base_ / "out" / "written.csv"));
}

TEST_F(SandboxTest, ReadRootsAreTheDataRootsThenTheOutputRootOnce) {
  const Sandbox separate({base_ / "data"}, base_ / "out");
  EXPECT_EQ(separate.read_roots(),
            (std::vector<fs::path>{fs::canonical(base_ / "data"), fs::canonical(base_ / "out")}));
  const Sandbox shared({base_ / "data", base_ / "out"}, base_ / "out");
  EXPECT_EQ(shared.read_roots().size(), 2u);
}

TEST_F(SandboxTest, RelativeToReadRootKeepsASymlinksOwnName) {
  fs::create_directories(base_ / "data" / "links");
  fs::create_symlink("../a.csv", base_ / "data" / "links" / "b1.csv");
  EXPECT_EQ(sandbox().relative_to_read_root(fs::canonical(base_ / "data") / "links" / "b1.csv"),
            fs::path("links/b1.csv"));
  EXPECT_EQ(sandbox().relative_to_read_root(base_ / "elsewhere" / "secret.csv"), fs::path());
}

TEST_F(SandboxTest, DirectoryAsInputIsRefused) {
  EXPECT_NE(error_of([&] { (void)sandbox().resolve_input("sub"); }).find("not a regular file"),
            std::string::npos);
}

TEST_F(SandboxTest, OutputGoesUnderTheOutputRootAndCreatesDirectories) {
  const auto target = sandbox().resolve_output("reports/x.csv");
  EXPECT_EQ(target, fs::canonical(base_ / "out") / "reports" / "x.csv");
  EXPECT_TRUE(fs::is_directory(base_ / "out" / "reports"));
}

TEST_F(SandboxTest, OutputEscapesAreRefused) {
  EXPECT_FALSE(error_of([&] { (void)sandbox().resolve_output("../x.csv"); }).empty());
  EXPECT_FALSE(error_of([&] { (void)sandbox().resolve_output("/tmp/x.csv"); }).empty());
  fs::create_directory_symlink(base_ / "elsewhere", base_ / "out" / "escape");
  EXPECT_NE(error_of([&] { (void)sandbox().resolve_output("escape/x.csv"); }).find("symbolic link"),
            std::string::npos);
}

}  // namespace
}  // namespace quarry::sandbox
