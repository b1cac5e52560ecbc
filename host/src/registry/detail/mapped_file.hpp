#pragma once
// Private to the registry: a whole file mapped read-only into memory.

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace quarry::registry::detail {

//! A read-only, private mapping of a file's current contents (pre-faulted).
class MappedFile {
 public:
  //! Maps `file`; throws std::system_error naming it when it cannot be opened or mapped.
  explicit MappedFile(const std::filesystem::path& file);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] std::span<const std::byte> bytes() const {
    return {static_cast<const std::byte*>(data_), size_};
  }
  [[nodiscard]] std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace quarry::registry::detail
