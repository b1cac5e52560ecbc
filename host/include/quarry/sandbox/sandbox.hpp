#pragma once
//! \file
//! The file-system sandbox: tools read only under the data roots and write only
//! under the output root. `..`, absolute paths elsewhere and symlinks that
//! leave a root are refused with a message naming the allowed roots.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace quarry::sandbox {

//! A path a tool may not use; the message names the path, the roots and the fix.
class SandboxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! Resolves tool-supplied paths against the configured roots. Immutable, thread-safe.
class Sandbox {
 public:
  //! Roots are made absolute and canonical where they exist.
  Sandbox(std::vector<std::filesystem::path> data_roots, std::filesystem::path output_root);

  //! The real path of an existing regular file under a data root. Relative paths
  //! are taken relative to the first data root. Throws SandboxError when the file
  //! is missing, not a regular file, unreadable, or (after resolving symlinks)
  //! outside every data root.
  [[nodiscard]] std::filesystem::path resolve_input(const std::string& path) const;

  //! Where a new output file goes: relative paths are under the output root;
  //! absolute ones must already be under it. Missing parent directories under
  //! the root are created. Throws SandboxError when the result would leave the
  //! root (`..`, a symlinked directory pointing elsewhere).
  [[nodiscard]] std::filesystem::path resolve_output(const std::string& path) const;

  //! The regular files matching a glob `pattern` under the data roots, sorted. In
  //! the pattern `*` and `?` match within one path component, `[...]` a character
  //! class, and `**` any number of directories; relative patterns are taken
  //! relative to the first data root. Hidden files match only a pattern component
  //! that starts with '.'. Each match still has to pass resolve_input() (a symlink
  //! may lead outside the roots). Throws SandboxError when the pattern's fixed
  //! directory leaves every data root or more than `max_files` files match.
  [[nodiscard]] std::vector<std::filesystem::path> glob_inputs(const std::string& pattern,
                                                               std::size_t max_files) const;

  [[nodiscard]] const std::vector<std::filesystem::path>& data_roots() const { return data_roots_; }
  [[nodiscard]] const std::filesystem::path& output_root() const { return output_root_; }

 private:
  std::vector<std::filesystem::path> data_roots_;
  std::filesystem::path output_root_;
};

}  // namespace quarry::sandbox
