#pragma once
//! \file
//! Files that appear complete or not at all (the registry cache, loaded plugin copies, the
//! startup snapshot).

#include <filesystem>
#include <string_view>

namespace quarry::registry {

//! Writes `content` to a temporary file beside `target`, fsyncs it, renames it over
//! `target` and fsyncs the directory. Throws std::system_error naming the file.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

//! Copies `source` to a temporary file beside `target`, fsyncs it and renames it over
//! `target`. Throws std::system_error naming the file.
void copy_file_atomically(const std::filesystem::path& source, const std::filesystem::path& target);

}  // namespace quarry::registry
