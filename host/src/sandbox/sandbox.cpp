#include "quarry/sandbox/sandbox.hpp"

#include <unistd.h>

#include <algorithm>

namespace quarry::sandbox {
namespace fs = std::filesystem;

namespace {

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code error;
  auto resolved = fs::weakly_canonical(fs::absolute(path), error);
  return error ? fs::absolute(path).lexically_normal() : resolved;
}

// True when `path` equals `root` or lies beneath it (both canonical).
bool is_within(const fs::path& path, const fs::path& root) {
  const auto relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

std::string list_roots(const std::vector<fs::path>& roots) {
  std::string text;
  for (const auto& root : roots) text += (text.empty() ? "" : ", ") + root.string();
  return text;
}

}  // namespace

Sandbox::Sandbox(std::vector<fs::path> data_roots, fs::path output_root)
    : output_root_(canonical_or_normal(output_root)) {
  for (const auto& root : data_roots) data_roots_.push_back(canonical_or_normal(root));
  read_roots_ = data_roots_;
  if (std::find(read_roots_.begin(), read_roots_.end(), output_root_) == read_roots_.end())
    read_roots_.push_back(output_root_);
}

std::string Sandbox::describe_read_roots() const {
  return "the data roots (" + list_roots(data_roots_) + ") and the output root (" +
         output_root_.string() + ")";
}

bool Sandbox::is_readable_location(const fs::path& real) const {
  return std::any_of(read_roots_.begin(), read_roots_.end(),
                     [&](const fs::path& root) { return is_within(real, root); });
}

fs::path Sandbox::relative_to_read_root(const fs::path& path) const {
  const fs::path normal = path.lexically_normal();
  for (const auto& root : read_roots_) {
    if (is_within(normal, root)) return normal.lexically_relative(root);
  }
  // Reached through a symlinked directory (e.g. an absolute pattern naming a root by another
  // path): resolve the directories, never the file itself, so that it keeps its own name.
  std::error_code error;
  const fs::path real_parent = fs::canonical(normal.parent_path(), error);
  if (error) return {};
  for (const auto& root : read_roots_) {
    if (is_within(real_parent / normal.filename(), root))
      return (real_parent / normal.filename()).lexically_relative(root);
  }
  return {};
}

fs::path Sandbox::locate_input(const std::string& path) const {
  const fs::path given(path);
  if (given.is_absolute()) return given;
  std::string tried;
  for (const auto& root : read_roots_) {
    const fs::path candidate = (root / given).lexically_normal();
    std::error_code error;
    if (fs::exists(candidate, error)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate.string();
  }
  throw SandboxError("input file '" + path + "' does not exist; looked for " + tried +
                     " (a relative path is looked up in the data roots in order, then in the "
                     "output root, where the files tools write are)");
}

fs::path Sandbox::resolve_input(const std::string& path) const {
  if (path.empty())
    throw SandboxError("an input path is required; give a file under " + describe_read_roots());
  const fs::path located = locate_input(path);
  std::error_code error;
  const fs::path real = fs::canonical(located, error);
  if (error) {
    throw SandboxError("input file '" + path + "' does not exist (looked for " +
                       located.lexically_normal().string() + "); give a file under " +
                       describe_read_roots());
  }
  if (!is_readable_location(real)) {
    throw SandboxError("input file '" + path + "' resolves to " + real.string() +
                       ", outside the data roots (" + list_roots(data_roots_) +
                       ") and the output root (" + output_root_.string() +
                       "); copy it under a data root or add its directory to data.roots");
  }
  if (!fs::is_regular_file(real, error)) {
    throw SandboxError("input '" + path +
                       "' is not a regular file; give a data file, not a directory or device");
  }
  if (access(real.c_str(), R_OK) != 0) {
    throw SandboxError("input file '" + path + "' is not readable; fix its permissions");
  }
  return real;
}

fs::path Sandbox::resolve_output(const std::string& path) const {
  if (path.empty())
    throw SandboxError("an output path is required; give a file name under " +
                       output_root_.string());
  const fs::path given(path);
  const fs::path joined = (given.is_absolute() ? given : output_root_ / given).lexically_normal();
  if (!is_within(joined, output_root_) || joined == output_root_) {
    throw SandboxError("output path '" + path + "' is outside the output root " +
                       output_root_.string() + "; give a file name relative to it");
  }
  std::error_code error;
  fs::create_directories(joined.parent_path(), error);
  if (error) {
    throw SandboxError("cannot create the directory for output '" + path + "': " + error.message());
  }
  // Resolve symlinked directories on the way: the real parent must stay inside.
  const fs::path real_parent = fs::canonical(joined.parent_path(), error);
  if (error || !(is_within(real_parent, output_root_) || real_parent == output_root_)) {
    throw SandboxError("output path '" + path + "' leads outside the output root " +
                       output_root_.string() + " through a symbolic link; choose another name");
  }
  const fs::path target = real_parent / joined.filename();
  if (fs::is_symlink(target, error)) {
    throw SandboxError("output path '" + path +
                       "' is a symbolic link; refusing to write through it");
  }
  return target;
}

}  // namespace quarry::sandbox
