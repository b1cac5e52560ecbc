#pragma once
//! \file
//! Path resolution for configuration values: `~` expansion, relative paths against a base
//! directory, lexical normalization. Private to the config library.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::config::detail {

//! `text` with a leading `~` or `~/` replaced by `home`. Other forms (`~user`) are left
//! alone. Nullopt when `text` needs `home` but it is unknown.
inline std::optional<std::filesystem::path> expand_home(std::string_view text,
                                                        const std::optional<std::string>& home) {
  const bool tilde = text == "~" || text.starts_with("~/");
  if (!tilde) return std::filesystem::path(text);
  if (!home) return std::nullopt;
  return std::filesystem::path(*home) / std::filesystem::path(text.substr(text.size() > 1 ? 2 : 1));
}

//! The absolute, lexically normal form of `path` (relative paths are taken against
//! `base_dir`, which must be absolute), without a trailing separator.
inline std::filesystem::path absolute_normal(const std::filesystem::path& path,
                                             const std::filesystem::path& base_dir) {
  std::filesystem::path full = (path.is_absolute() ? path : base_dir / path).lexically_normal();
  if (!full.has_filename() && full.has_relative_path()) full = full.parent_path();
  return full;
}

}  // namespace quarry::config::detail
