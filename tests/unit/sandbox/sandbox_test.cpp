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
