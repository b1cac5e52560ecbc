#include "registry/detail/cache.hpp"

#include "registry/detail/atomic_file.hpp"
#include "registry/detail/mapped_file.hpp"

#include <quarry/plugin.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <stdexcept>

namespace quarry::registry::detail {
namespace {

namespace fs = std::filesystem;
constexpr const char* kFormat = "quarry-registry-cache";
constexpr int kFormatVersion = 2;  // 2: tools record transforms and two_pass

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

nlohmann::json header() {
  return {{"format", kFormat}, {"version", kFormatVersion}, {"host_abi_major", QUARRY_ABI_MAJOR}};
}

//! Checks the first line; false (with an info log) for a cache of another host ABI
//! major. Throws on anything else unexpected.
bool check_header(std::string_view line, const fs::path& file) {
  const nlohmann::json json = nlohmann::json::parse(line);
  if (json.at("format").get_ref<const std::string&>() != kFormat ||
      json.at("version").get<int>() != kFormatVersion)
    throw std::runtime_error("unknown format or version");
  if (json.at("host_abi_major").get<int>() == QUARRY_ABI_MAJOR) return true;
  spdlog::info("plugin registry cache {} is from another plugin ABI; rebuilding", file.string());
  return false;
}

//! The next line of `text` (without its newline), advancing `text` past it.
std::string_view next_line(std::string_view& text) {
  const auto end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

//! Parses the whole file (JSON Lines: a header, then one plugin per line, so each
//! line's scaffolding is freed before the next is parsed). Throws on any syntax or
//! shape problem.
bool parse_cache(std::string_view text, CacheMap& entries, const fs::path& file) {
  if (!check_header(next_line(text), file)) return false;
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) continue;
    nlohmann::json json = nlohmann::json::parse(line);
    std::string path = std::move(json.at("path").get_ref<std::string&>());
    if (!entries.emplace(std::move(path), entry_from_json(json)).second)
      throw std::runtime_error("a plugin appears twice");
  }
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
    const MappedFile mapped(file);
    cache.valid = parse_cache(mapped.text(), cache.entries, file);
  } catch (const std::exception& e) {
    spdlog::warn("plugin registry cache {} is corrupt ({}); rebuilding it", file.string(),
                 e.what());
    cache.valid = false;
  }
  if (!cache.valid) cache.entries.clear();
  return cache;
}

void save_cache(const fs::path& file, const CacheMap& entries) {
  std::string text = header().dump() + '\n';
  for (const auto& [path, entry] : entries) {
    if (entry.transient) continue;
    nlohmann::json json = entry_to_json(entry);
    json["path"] = path;
    text += json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
  }
  fs::create_directories(file.parent_path());
  write_file_atomically(file, text);
}

}  // namespace quarry::registry::detail
