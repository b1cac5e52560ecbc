#include "registry/detail/library.hpp"

#include "quarry/registry/plugin_info.hpp"
#include "registry/detail/host_services.hpp"
#include "registry/detail/plugin_error.hpp"
#include "registry/detail/status.hpp"

#include <fmt/format.h>

#include <array>

#include <dlfcn.h>

namespace quarry::registry::detail {
namespace {

using AbiVersionFn = std::uint32_t();
using InitFn = quarry_status(const quarry_host_v1*, const quarry_plugin_v1**, char*, std::uint64_t);

void open_library(boost::dll::shared_library& library, const std::filesystem::path& file) {
  const auto mode = static_cast<boost::dll::load_mode::type>(RTLD_NOW | RTLD_NODELETE);
  boost::dll::fs::error_code ec;
  ::dlerror();  // clear any stale message
  library.load(file, mode, ec);
  if (!ec) return;
  const char* why = ::dlerror();
  throw PluginError(fmt::format("cannot be loaded: {}", why ? why : ec.message()));
}

std::uint32_t check_abi(const boost::dll::shared_library& library) {
  if (!library.has("quarry_plugin_abi_version"))
    throw PluginError("not a Quarry plugin: it does not export quarry_plugin_abi_version");
  const std::uint32_t version = library.get<AbiVersionFn>("quarry_plugin_abi_version")();
  if ((version >> 16) != QUARRY_ABI_MAJOR)
    throw PluginError(fmt::format("built for plugin ABI {}; this host speaks {}",
                                  format_abi_version(version),
                                  format_abi_version(QUARRY_ABI_VERSION)));
  return version;
}

const quarry_plugin_v1* run_init(const boost::dll::shared_library& library) {
  if (!library.has("quarry_plugin_init_v1"))
    throw PluginError("missing entry symbol quarry_plugin_init_v1 (required by plugin ABI 1.x)");
  std::array<char, 1024> error{};
  const quarry_plugin_v1* plugin = nullptr;
  const quarry_status status = library.get<InitFn>("quarry_plugin_init_v1")(
      host_services(), &plugin, error.data(), error.size());
  error.back() = '\0';
  if (status != QUARRY_OK)
    throw PluginError(fmt::format("quarry_plugin_init_v1 failed with {}: {}", status_name(status),
                                  error[0] ? error.data() : "(no message)"));
  if (!plugin) throw PluginError("quarry_plugin_init_v1 returned QUARRY_OK but no plugin");
  return plugin;
}

}  // namespace

InitializedPlugin load_and_init(const std::filesystem::path& file) {
  InitializedPlugin loaded;
  open_library(loaded.library, file);
  loaded.abi_version = check_abi(loaded.library);
  loaded.plugin = run_init(loaded.library);
  return loaded;
}

}  // namespace quarry::registry::detail
