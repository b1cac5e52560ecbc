#include "registry/detail/loaded_plugin.hpp"

#include "quarry/registry/atomic_file.hpp"
#include "quarry/registry/hash.hpp"
#include "registry/detail/describe.hpp"
#include "registry/detail/plugin_error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace quarry::registry::detail {
namespace {

namespace fs = std::filesystem;

bool has_hash(const fs::path& file, std::uint64_t hash) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  try {
    return hash_file(file) == hash;
  } catch (const std::exception&) {
    return false;
  }
}

//! True when `copy`, named after the hash the registry verified, was written completely
//! earlier. Copies are only ever renamed into place whole (after their hash was checked),
//! so its size tells; hashing a large plugin again on every process start does not.
bool has_complete_copy(const fs::path& copy, const fs::path& source) {
  std::error_code ec;
  const auto copy_size = fs::file_size(copy, ec);
  if (ec) return false;
  const auto source_size = fs::file_size(source, ec);
  return !ec && copy_size == source_size;
}

}  // namespace

LoadedPlugin::LoadedPlugin(fs::path source, std::uint64_t hash, fs::path loaded_dir)
    : source_(std::move(source)), hash_(hash), loaded_dir_(std::move(loaded_dir)) {}

LoadedPlugin::Binding LoadedPlugin::bind(std::string_view tool) {
  ensure_loaded();
  const auto it = tools_.find(std::string(tool));
  if (it == tools_.end())
    throw PluginError(fmt::format("plugin {} no longer offers tool '{}'", source_.string(), tool));
  return {it->second, library_.plugin->plugin_data};
}

void LoadedPlugin::ensure_loaded() {
  if (loaded()) return;
  std::lock_guard lock(mutex_);
  if (!attempted_) {
    try {
      load();
    } catch (const std::exception& e) {
      error_ = e.what();
      spdlog::warn("plugin {} could not be loaded: {}", source_.string(), error_);
    }
  }
  if (!loaded())
    throw PluginError(fmt::format("plugin {} could not be loaded: {}", source_.string(), error_));
}

fs::path LoadedPlugin::stage_copy() const {
  const fs::path copy = loaded_dir_ / fmt::format("{:016x}-{}", hash_, source_.filename().string());
  if (has_complete_copy(copy, source_)) {
    std::error_code ignored;  // marks the use (best effort: a read-only cache still works)
    fs::last_write_time(copy, fs::file_time_type::clock::now(), ignored);
    return copy;
  }
  fs::create_directories(loaded_dir_);
  copy_file_atomically(source_, copy);
  if (!has_hash(copy, hash_))
    throw PluginError(
        fmt::format("{} changed on disk since it was scanned; the tool list will "
                    "be refreshed on the next rescan",
                    source_.string()));
  remove_stale_copies(copy);
  return copy;
}

void LoadedPlugin::remove_stale_copies(const fs::path& keep) const {
  const std::string suffix = "-" + source_.filename().string();
  const auto cutoff = fs::file_time_type::clock::now() - kStaleCopyAge;
  std::error_code ec;
  for (fs::directory_iterator it(loaded_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    // "<16 hex digits>-<file name>": a copy of this file name (temporaries have other names).
    if (path == keep || name.size() != 16 + suffix.size() || !name.ends_with(suffix) ||
        name.find_first_not_of("0123456789abcdef") != 16) {
      continue;
    }
    std::error_code stat_error;
    const auto used = fs::last_write_time(path, stat_error);
    if (stat_error || used > cutoff) continue;
    if (fs::remove(path, stat_error)) spdlog::info("removed unused plugin copy {}", path.string());
  }
}

void LoadedPlugin::load() {
  const fs::path copy = stage_copy();  // a failure here is retried on the next call
  attempted_ = true;                   // init runs at most once
  InitializedPlugin library = load_and_init(copy);
  const PluginDescription description = describe_plugin(*library.plugin, library.abi_version);
  const quarry_plugin_v1& plugin = *library.plugin;
  for (std::uint32_t i = 0; i < plugin.tool_count; ++i)
    tools_.emplace(plugin.tools[i]->name, plugin.tools[i]);
  library_ = std::move(library);
  loaded_.store(true, std::memory_order_release);
  spdlog::info("loaded plugin {} {} from {}", description.name, description.version,
               source_.string());
}

}  // namespace quarry::registry::detail
