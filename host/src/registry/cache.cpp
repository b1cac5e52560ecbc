#include "registry/detail/cache.hpp"

#include "quarry/registry/atomic_file.hpp"
#include "registry/detail/mapped_file.hpp"

#include <quarry/plugin.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

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

//! Checks the first line; false (with an info log) for a cache of another format version
//! or host ABI major. Throws on anything else unexpected.
bool check_header(std::string_view line, const fs::path& file) {
  const nlohmann::json json = nlohmann::json::parse(line);
  if (json.at("format").get_ref<const std::string&>() != kFormat)
    throw std::runtime_error("unknown format");
  if (json.at("version").get<int>() != kFormatVersion) {
    // Written by another Quarry version: expected after an upgrade, not a problem.
    spdlog::info(
        "plugin registry cache {} has format version {} (this host writes {}); "
        "rebuilding",
        file.string(), json.at("version").get<int>(), kFormatVersion);
    return false;
  }
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

//! One plugin's line, parsed.
struct ParsedLine {
  std::string path;
  CacheEntry entry;
};

ParsedLine parse_line(std::string_view line) {
  nlohmann::json json = nlohmann::json::parse(line);
  ParsedLine parsed;
  parsed.path = std::move(json.at("path").get_ref<std::string&>());
  parsed.entry = entry_from_json(json);
  return parsed;
}

//! Parses the whole file (JSON Lines: a header, then one plugin per line, so each
//! line's scaffolding is freed before the next is parsed). Lines are independent, so with
//! many plugins they are parsed on every core: parsing JSON into trees is most of a warm
//! start. Throws on any syntax or shape problem.
bool parse_cache(std::string_view text, CacheMap& entries, const fs::path& file) {
  if (!check_header(next_line(text), file)) return false;
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (!line.empty()) lines.push_back(line);
  }
  std::vector<ParsedLine> parsed(lines.size());
  std::vector<std::exception_ptr> errors(lines.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < lines.size(); i = next++) {
      try {
        parsed[i] = parse_line(lines[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  {
    constexpr std::size_t kLinesPerThread = 16;  // fewer: a thread costs more than it saves
    const std::size_t helpers = std::min<std::size_t>(
        std::max(1U, std::thread::hardware_concurrency()) - 1, lines.size() / kLinesPerThread);
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(work);
    work();
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);
    if (!entries.emplace(std::move(parsed[i].path), std::move(parsed[i].entry)).second)
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
