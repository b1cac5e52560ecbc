//! Unit tests for quarry/registry/hash.hpp: XXH64 reference values and file hashing.

#include "quarry/registry/hash.hpp"

#include "test_support.hpp"

#include <string_view>

namespace quarry::registry::test {
namespace {

std::uint64_t hash_of(std::string_view text) {
  return content_hash(std::as_bytes(std::span(text.data(), text.size())));
}

TEST(ContentHash, MatchesXxh64ReferenceValues) {
  EXPECT_EQ(hash_of(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(hash_of("abc"), 0x44BC2CF5AD770999ULL);
}

TEST(ContentHash, ChangesWhenOneByteChanges) {
  std::string text(1000, 'x');
  const auto before = hash_of(text);
  text[517] = 'y';
  EXPECT_NE(hash_of(text), before);
}

TEST(HashFile, EqualsTheHashOfTheBytesForEverySizeClass) {
  TempDir dir;
  for (std::size_t size : {0, 1, 3, 4, 7, 8, 9, 31, 32, 33, 63, 64, 100, 4096, 100'003}) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(i * 131 + 7);
    const fs::path file = dir.path() / ("f" + std::to_string(size));
    write_text(file, text);
    EXPECT_EQ(hash_file(file), hash_of(text)) << "size " << size;
  }
}

TEST(HashFile, ThrowsNamingAMissingFile) {
  try {
    (void)hash_file("/nonexistent/quarry/plugin.so");
    FAIL() << "expected an exception";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/quarry/plugin.so"), std::string::npos);
  }
}

}  // namespace
}  // namespace quarry::registry::test
