#pragma once
// Private to the registry: naming plugin status codes in messages.

#include <quarry/plugin.h>

#include <string>

namespace quarry::registry::detail {

//! "QUARRY_IO_ERROR", or "status 42" for a code this host does not know.
[[nodiscard]] std::string status_name(quarry_status status);

}  // namespace quarry::registry::detail
