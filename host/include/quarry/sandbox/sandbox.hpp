#pragma once
//! \file
//! The file-system sandbox: tools read only under the data roots and the output root (so
//! that one call can read what an earlier call wrote) and write only under the output
//! root. `..`, absolute paths elsewhere and symlinks that leave a root are refused with a
//! message naming the allowed roots.

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

  //! The real path of an existing regular file under a data root or the output root.
  //! A relative path names the file in the first of read_roots() where it exists (the
  //! data roots in order, then the output root). Throws SandboxError when the file is
  //! missing (naming every place looked at), not a regular file, unreadable, or (after
  //! resolving symlinks) outside every root it may be read from.
  [[nodiscard]] std::filesystem::path resolve_input(const std::string& path) const;

  //! Where a new output file goes: relative paths are under the output root;
  //! absolute ones must already be under it. Missing parent directories under
  //! the root are created. Throws SandboxError when the result would leave the
  //! root (`..`, a symlinked directory pointing elsewhere).
  [[nodiscard]] std::filesystem::path resolve_output(const std::string& path) const;

  //! The regular files matching a glob `pattern` under the data roots or the output root,
  //! sorted. In the pattern `*` and `?` match within one path component, `[...]` a
  //! character class, and `**` any number of directories; a relative pattern is taken
  //! relative to the first of read_roots() holding its fixed directory (the part before
  //! the first wildcard). Hidden files match only a pattern component that starts with
  //! '.'. A match is the path as found (a symlink is not resolved, so that it keeps its
  //! own name); each still has to pass resolve_input() (a symlink may lead outside the
  //! roots). Throws SandboxError when the pattern's fixed directory exists in no root or
  //! leaves every root, or when more than `max_files` files match.
  [[nodiscard]] std::vector<std::filesystem::path> glob_inputs(const std::string& pattern,
                                                               std::size_t max_files) const;

  [[nodiscard]] const std::vector<std::filesystem::path>& data_roots() const { return data_roots_; }
  [[nodiscard]] const std::filesystem::path& output_root() const { return output_root_; }
  //! Where relative input paths are looked up, in order: the data roots, then the output
  //! root (unless it is one of them).
  [[nodiscard]] const std::vector<std::filesystem::path>& read_roots() const { return read_roots_; }

  //! `path` (absolute, as found: symlinks not resolved) below the read root that holds it,
  //! e.g. "sales/2024.csv"; empty when it lies under none.
  [[nodiscard]] std::filesystem::path relative_to_read_root(
      const std::filesystem::path& path) const;

 private:
  //! The path a tool's `path` names: an absolute one as given, a relative one in the first
  //! read root where it exists (throws SandboxError listing every candidate when none).
  [[nodiscard]] std::filesystem::path locate_input(const std::string& path) const;
  //! True when the canonical `real` lies under a read root.
  [[nodiscard]] bool is_readable_location(const std::filesystem::path& real) const;
  //! "the data roots (…) and the output root (…)", for messages.
  [[nodiscard]] std::string describe_read_roots() const;

  std::vector<std::filesystem::path> data_roots_;
  std::filesystem::path output_root_;
  std::vector<std::filesystem::path> read_roots_;
};

}  // namespace quarry::sandbox
