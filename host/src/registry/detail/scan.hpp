#pragma once
// Private to the registry: finding plugin files in the plugin directories.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace quarry::registry::detail {

//! A plugin file as found on disk (stat follows symlinks).
struct FoundFile {
  std::filesystem::path path;  //!< As found: <dir>/<name>.so
  std::string canonical;       //!< Symlinks resolved; the cache key.
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

//! Every `*.so` regular file (or symlink to one) in `dirs`, in directory order then
//! file-name order. Missing or unreadable directories are skipped (debug log); a file
//! reached twice (same canonical path) is kept once, at its first position.
[[nodiscard]] std::vector<FoundFile> scan_directories(
    const std::vector<std::filesystem::path>& dirs);

//! The current time on the file-system clock, in ns since the epoch (for mtimes).
[[nodiscard]] std::int64_t now_ns();

}  // namespace quarry::registry::detail
