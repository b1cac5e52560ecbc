#include "detail/cache.hpp"

#include "detail/atomic_file.hpp"

#include <quarry/plugin.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <stdexcept>

namespace quarry::registry::detail {
namespace {

namespace fs = std::filesystem;
constexpr const char* kFormat = "quarry-registry-cache";
constexpr int kFormatVersion = 1;

std::uint64_t parse_hash(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::runtime_error("bad hash '" + text + "'");
  return value;
}

CacheEntry entry_from_json(nlohmann::json& json) {
  CacheEntry entry;
  entry.size = json.at("size").get<std::uint64_t>();
  entry.mtime_ns = json.at("mtime_ns").get<std::int64_t>();
  entry.hash = parse_hash(json.at("hash").get_ref<const std::string&>());
  entry.verified_ns = json.at("verified_ns").get<std::int64_t>();
  const std::string& status = json.at("status").get_ref<const std::string&>();
  if (status != "ok" && status != "bad") throw std::runtime_error("bad status '" + status + "'");
  entry.ok = status == "ok";
  if (json.contains("reason")) entry.reason = json.at("reason").get<std::string>();
  if (json.contains("plugin")) {
    entry.plugin = std::make_shared<const PluginDescription>(
        plugin_description_from_json(std::move(json.at("plugin"))));
  }
  if (entry.ok && !entry.plugin) throw std::runtime_error("ok entry without plugin");
  return entry;
}

nlohmann::json entry_to_json(const CacheEntry& entry) {
  nlohmann::json json = {{"size", entry.size},
                         {"mtime_ns", entry.mtime_ns},
                         {"hash", fmt::format("{:016x}", entry.hash)},
                         {"verified_ns", entry.verified_ns},
                         {"status", entry.ok ? "ok" : "bad"}};
  if (!entry.reason.empty()) json["reason"] = entry.reason;
  if (entry.plugin) json["plugin"] = to_json(*entry.plugin);
  return json;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open the file");
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) throw std::runtime_error("cannot read the file");
  return text;
}

//! Parses the whole document; throws on any syntax or shape problem. Returns false
//! (with an info log) when the cache is well-formed but from another host ABI major.
bool parse_cache(const std::string& text, CacheMap& entries, const fs::path& file) {
  nlohmann::json json = nlohmann::json::parse(text);
  if (json.at("format").get_ref<const std::string&>() != kFormat ||
      json.at("version").get<int>() != kFormatVersion)
    throw std::runtime_error("unknown format or version");
  if (json.at("host_abi_major").get<int>() != QUARRY_ABI_MAJOR) {
    spdlog::info("plugin registry cache {} is from another plugin ABI; rebuilding", file.string());
    return false;
  }
  nlohmann::json& plugins = json.at("plugins");
  if (!plugins.is_object()) throw std::runtime_error("'plugins' is not an object");
  entries.reserve(plugins.size());
  for (auto& [path, entry] : plugins.items()) entries.emplace(path, entry_from_json(entry));
  return true;
}

}  // namespace

LoadedCache load_cache(const fs::path& file) {
  LoadedCache cache;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    spdlog::info("no plugin registry cache at {}; probing every plugin", file.string());
    return cache;
  }
  try {
    cache.valid = parse_cache(read_text(file), cache.entries, file);
  } catch (const std::exception& e) {
    spdlog::warn("plugin registry cache {} is corrupt ({}); rebuilding it", file.string(),
                 e.what());
    cache.valid = false;
  }
  if (!cache.valid) cache.entries.clear();
  return cache;
}

void save_cache(const fs::path& file, const CacheMap& entries) {
  nlohmann::json plugins = nlohmann::json::object();
  for (const auto& [path, entry] : entries) {
    if (!entry.transient) plugins[path] = entry_to_json(entry);
  }
  const nlohmann::json json = {{"format", kFormat},
                               {"version", kFormatVersion},
                               {"host_abi_major", QUARRY_ABI_MAJOR},
                               {"plugins", std::move(plugins)}};
  fs::create_directories(file.parent_path());
  write_file_atomically(file, json.dump());
}

}  // namespace quarry::registry::detail
