#include "registry/detail/scan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include <sys/stat.h>

namespace quarry::registry::detail {
namespace {

namespace fs = std::filesystem;

struct DirEntry {
  std::string name;
  bool symlink = false;
  bool operator<(const DirEntry& other) const { return name < other.name; }
};

//! The `*.so` entries of `dir`, sorted by name (the entry type comes from readdir).
std::vector<DirEntry> list_plugin_entries(const fs::path& dir) {
  std::vector<DirEntry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (name.size() > 3 && name.ends_with(".so"))
      entries.push_back({std::move(name), it->is_symlink(type_ec)});
  }
  if (ec) spdlog::debug("plugin directory {} skipped: {}", dir.string(), ec.message());
  std::sort(entries.begin(), entries.end());
  return entries;
}

//! Stats `path` (following symlinks); false unless it leads to a regular file.
bool stat_file(const fs::path& path, FoundFile& file) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  file.size = static_cast<std::uint64_t>(st.st_size);
  file.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

//! The canonical path: the directory's canonical form plus the name, unless the entry
//! is a symlink (then resolved in full).
std::string canonical_of(const fs::path& canonical_dir, const DirEntry& entry) {
  const fs::path path = canonical_dir / entry.name;
  if (!entry.symlink) return path.string();
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  return ec ? path.string() : resolved.string();
}

void scan_one(const fs::path& dir, std::unordered_set<std::string>& seen,
              std::vector<FoundFile>& out) {
  std::error_code ec;
  const fs::path canonical_dir = fs::canonical(dir, ec);
  if (ec) {
    spdlog::debug("plugin directory {} skipped: {}", dir.string(), ec.message());
    return;
  }
  for (const DirEntry& entry : list_plugin_entries(canonical_dir)) {
    FoundFile file;
    file.path = dir / entry.name;
    if (!stat_file(file.path, file)) continue;
    file.canonical = canonical_of(canonical_dir, entry);
    if (seen.insert(file.canonical).second) out.push_back(std::move(file));
  }
}

}  // namespace

std::vector<FoundFile> scan_directories(const std::vector<fs::path>& dirs) {
  std::vector<FoundFile> files;
  std::unordered_set<std::string> seen;
  for (const fs::path& dir : dirs) scan_one(dir, seen, files);
  return files;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace quarry::registry::detail
