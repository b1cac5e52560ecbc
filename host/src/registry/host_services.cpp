#include "registry/detail/host_services.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

namespace quarry::registry::detail {
namespace {

spdlog::level::level_enum to_spdlog(quarry_log_level level) {
  switch (level) {
    case QUARRY_LOG_DEBUG:
      return spdlog::level::debug;
    case QUARRY_LOG_INFO:
    case QUARRY_LOG_NOTICE:
      return spdlog::level::info;
    case QUARRY_LOG_WARNING:
      return spdlog::level::warn;
    default:
      return spdlog::level::err;
  }
}

void host_log(void* /*host_data*/, quarry_log_level level, const char* message,
              std::uint64_t size) {
  try {
    const std::string_view text(message ? message : "", message ? size : 0);
    spdlog::log(to_spdlog(level), "[plugin] {}", text);
  } catch (...) {  // nothing may cross the C boundary
  }
}

constexpr quarry_host_v1 kHost = {sizeof(quarry_host_v1), QUARRY_ABI_VERSION, nullptr, &host_log};

}  // namespace

const quarry_host_v1* host_services() {
  return &kHost;
}

}  // namespace quarry::registry::detail
