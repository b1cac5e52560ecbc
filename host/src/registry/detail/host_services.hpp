#pragma once
// Private to the registry: the services table handed to every plugin's init.

#include <quarry/plugin.h>

namespace quarry::registry::detail {

//! The quarry_host_v1 plugins receive: immutable, valid for the life of the process;
//! its log callback writes to the host log (spdlog, stderr).
[[nodiscard]] const quarry_host_v1* host_services();

}  // namespace quarry::registry::detail
