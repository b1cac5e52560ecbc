//! Unit tests for io/detail/column_piece.hpp's file transfers: whole reads across the
//! kernel's short reads, and a read past the end of the file that fails with an errno that
//! says so (not whatever an earlier call left behind).

#include "io/detail/column_piece.hpp"

#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace quarry::io::detail {
namespace {

using testing::TempDir;

//! An open descriptor that closes itself.
struct OpenFile {
  explicit OpenFile(const std::string& path) : fd(::open(path.c_str(), O_RDWR | O_CREAT, 0600)) {}
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd;
};

TEST(ColumnPiece, WrittenBytesReadBackAtTheirOffset) {
  TempDir dir;
  OpenFile file((dir.path() / "piece").string());
  ASSERT_GE(file.fd, 0);
  std::vector<char> bytes(1 << 20);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 % 251);
  ASSERT_TRUE(write_all(file.fd, 4096, bytes.data(), bytes.size()));
  std::vector<char> back(bytes.size());
  ASSERT_TRUE(read_all(file.fd, 4096, back.data(), back.size()));
  EXPECT_EQ(back, bytes);
}

TEST(ColumnPiece, AReadPastTheEndOfTheFileFailsWithENODATA) {
  TempDir dir;
  OpenFile file((dir.path() / "piece").string());
  ASSERT_GE(file.fd, 0);
  const std::string text = "only sixteen b..";
  ASSERT_TRUE(write_all(file.fd, 0, text.data(), text.size()));
  char back[32];
  errno = EACCES;  // what an earlier, unrelated call might have left
  EXPECT_FALSE(read_all(file.fd, 0, back, sizeof back));
  EXPECT_EQ(errno, ENODATA) << std::strerror(errno);
  errno = 0;
  EXPECT_FALSE(read_all(file.fd, 100, back, 1));  // wholly past the end
  EXPECT_EQ(errno, ENODATA);
}

TEST(ColumnPiece, AReadOnABadDescriptorKeepsTheSystemsErrno) {
  char back[8];
  EXPECT_FALSE(read_all(-1, 0, back, sizeof back));
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace quarry::io::detail
