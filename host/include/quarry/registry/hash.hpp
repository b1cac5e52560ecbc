#pragma once
//! \file
//! The content hash that identifies a plugin file's bytes (XXH64, seed 0): fast,
//! 64-bit, written here rather than pulled in as a dependency.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace quarry::registry {

//! XXH64 of `bytes` with seed 0.
[[nodiscard]] std::uint64_t content_hash(std::span<const std::byte> bytes);

//! XXH64 of a file's contents, read in pieces. Throws std::system_error naming the
//! file when it cannot be opened or read.
[[nodiscard]] std::uint64_t hash_file(const std::filesystem::path& file);

}  // namespace quarry::registry
