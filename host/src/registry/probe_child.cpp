// The child side of a probe: `quarry __probe <plugin>`.

#include "quarry/posix/write_all.hpp"
#include "quarry/registry/probe.hpp"
#include "registry/detail/describe.hpp"
#include "registry/detail/library.hpp"

#include <string>

#include <unistd.h>

namespace quarry::registry {
namespace {

nlohmann::json describe(const std::filesystem::path& plugin) {
  try {
    const detail::InitializedPlugin loaded = detail::load_and_init(plugin);
    return to_json(detail::describe_plugin(*loaded.plugin, loaded.abi_version));
  } catch (const std::exception& e) {
    return {{"error", e.what()}};
  } catch (...) {
    return {{"error", "the plugin threw an unknown exception while being initialised"}};
  }
}

}  // namespace

int run_probe_child(const std::filesystem::path& plugin, int result_fd) {
  ::dup2(STDERR_FILENO, STDOUT_FILENO);  // nothing the plugin prints reaches stdout
  const nlohmann::json result = describe(plugin);
  const std::string text = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const bool written = posix::write_all(result_fd, text) == 0;
  ::close(result_fd);
  return written ? 0 : 2;
}

}  // namespace quarry::registry
