#pragma once
// Private to the registry: loading a plugin library, checking its ABI and running
// its init (in the probe child and, on first call, in the host).

#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS  // std::filesystem; Debian ships no libboost-filesystem-dev here
#endif
#include <boost/dll/shared_library.hpp>

#include <quarry/plugin.h>

#include <cstdint>
#include <filesystem>

namespace quarry::registry::detail {

//! A loaded and initialised plugin. The library is opened with RTLD_NODELETE, so the
//! plugin stays mapped even after `library` is destroyed.
struct InitializedPlugin {
  boost::dll::shared_library library;
  std::uint32_t abi_version = 0;
  const quarry_plugin_v1* plugin = nullptr;
};

//! Opens `file` (RTLD_NOW | RTLD_NODELETE), refuses another ABI major ("built for
//! plugin ABI 2.0; this host speaks 1.0") and calls quarry_plugin_init_v1 with the host
//! services. Throws PluginError naming the problem.
[[nodiscard]] InitializedPlugin load_and_init(const std::filesystem::path& file);

}  // namespace quarry::registry::detail
