#include "registry/detail/status.hpp"

#include <fmt/format.h>

#include <array>

namespace quarry::registry::detail {

std::string status_name(quarry_status status) {
  static constexpr std::array<const char*, 7> kNames = {
      "QUARRY_OK",         "QUARRY_ERROR",         "QUARRY_INVALID_ARGUMENT",
      "QUARRY_CANCELLED",  "QUARRY_OUT_OF_MEMORY", "QUARRY_IO_ERROR",
      "QUARRY_UNSUPPORTED"};
  if (status >= 0 && static_cast<std::size_t>(status) < kNames.size()) return kNames[status];
  return fmt::format("status {}", status);
}

}  // namespace quarry::registry::detail
