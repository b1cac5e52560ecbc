#include "quarry/startup/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <stdexcept>

namespace quarry::startup {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatLine = "quarry-startup-snapshot 1\n";

//! Variables that change which configuration a launch reads.
bool steers_configuration(std::string_view entry) {
  const auto equals = entry.find('=');
  const std::string_view name = entry.substr(0, equals);
  if (name == kHandoverFdVariable || name == kSnapshotFileVariable || name == kSnapshotKeyVariable)
    return false;
  return name.starts_with("QUARRY_") || name == "HOME" || name == "XDG_CONFIG_HOME" ||
         name == "XDG_CACHE_HOME";
}

std::string_view variable(const std::vector<std::string>& environment, std::string_view name) {
  for (const auto& entry : environment) {
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=')
      return std::string_view(entry).substr(name.size() + 1);
  }
  return {};
}

std::string_view kind_name(PathState::Kind kind) {
  switch (kind) {
    case PathState::Kind::kFile:
      return "file";
    case PathState::Kind::kDirectory:
      return "dir";
    case PathState::Kind::kMissing:
      break;
  }
  return "missing";
}

std::optional<PathState::Kind> parse_kind(std::string_view name) {
  if (name == "file") return PathState::Kind::kFile;
  if (name == "dir") return PathState::Kind::kDirectory;
  if (name == "missing") return PathState::Kind::kMissing;
  return std::nullopt;
}

//! Appends `text` to `bodies` once, returning its index (equal answers are stored once).
std::size_t intern(std::vector<std::string_view>& bodies, std::string_view text) {
  const auto found = std::find(bodies.begin(), bodies.end(), text);
  if (found != bodies.end()) return static_cast<std::size_t>(found - bodies.begin());
  bodies.push_back(text);
  return bodies.size() - 1;
}

}  // namespace

PathState PathState::of(const std::string& path) {
  PathState state;
  state.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return state;
  state.kind = S_ISDIR(st.st_mode) ? Kind::kDirectory : Kind::kFile;
  state.size = state.kind == Kind::kFile ? static_cast<std::uint64_t>(st.st_size) : 0;
  state.mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  state.inode = static_cast<std::uint64_t>(st.st_ino);
  return state;
}

std::uint64_t Snapshot::answers_digest() const {
  std::uint64_t digest = fnv1a("");
  for (const auto& [version, body] : initialize) digest = fnv1a(body, fnv1a(version, digest));
  for (const auto& [version, pages] : tools_list) {
    digest = fnv1a(version, digest);
    for (const auto& [cursor, body] : pages) digest = fnv1a(body, fnv1a(cursor, digest));
  }
  return digest;
}

bool Snapshot::inputs_unchanged() const {
  return std::all_of(inputs.begin(), inputs.end(),
                     [](const PathState& input) { return PathState::of(input.path) == input; });
}

std::string serialize(const Snapshot& snapshot) {
  std::vector<std::string_view> bodies;
  json header = {{"key", snapshot.key}, {"digest", snapshot.answers_digest()}};
  json inputs = json::array();
  for (const auto& input : snapshot.inputs) {
    inputs.push_back({input.path, kind_name(input.kind), input.size, input.mtime_ns, input.inode});
  }
  header["inputs"] = std::move(inputs);
  json initialize = json::object();
  for (const auto& [version, body] : snapshot.initialize)
    initialize[version] = intern(bodies, body);
  header["initialize"] = std::move(initialize);
  json tools_list = json::object();
  for (const auto& [version, pages] : snapshot.tools_list) {
    json index = json::object();
    for (const auto& [cursor, body] : pages) index[cursor] = intern(bodies, body);
    tools_list[version] = std::move(index);
  }
  header["tools_list"] = std::move(tools_list);
  json extents = json::array();
  std::size_t offset = 0;
  for (const auto body : bodies) {
    extents.push_back({offset, body.size()});
    offset += body.size();
  }
  header["bodies"] = std::move(extents);

  std::string text(kFormatLine);
  text += header.dump();
  text += '\n';
  for (const auto body : bodies) text += body;
  return text;
}

std::optional<SnapshotReader> SnapshotReader::open(std::string_view text) {
  if (!text.starts_with(kFormatLine)) return std::nullopt;
  text.remove_prefix(kFormatLine.size());
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const std::string_view data = text.substr(newline + 1);
  try {
    const json header = json::parse(text.substr(0, newline));
    SnapshotReader reader;
    for (const auto& extent : header.at("bodies")) {
      const auto offset = extent.at(0).get<std::size_t>();
      const auto length = extent.at(1).get<std::size_t>();
      if (offset > data.size() || length > data.size() - offset) return std::nullopt;
      reader.bodies_.push_back(data.substr(offset, length));
    }
    const auto index = [&reader](const json& value) {
      const auto at = value.get<std::size_t>();
      if (at >= reader.bodies_.size()) throw std::out_of_range("answer index");
      return at;
    };
    Snapshot& snapshot = reader.snapshot_;
    snapshot.key = header.at("key").get<std::string>();
    reader.digest_ = header.at("digest").get<std::uint64_t>();
    for (const auto& input : header.at("inputs")) {
      const auto kind = parse_kind(input.at(1).get<std::string>());
      if (!kind) return std::nullopt;
      snapshot.inputs.push_back({input.at(0).get<std::string>(), *kind,
                                 input.at(2).get<std::uint64_t>(), input.at(3).get<std::int64_t>(),
                                 input.at(4).get<std::uint64_t>()});
    }
    for (const auto& [version, at] : header.at("initialize").items())
      reader.initialize_[version] = index(at);
    for (const auto& [version, pages] : header.at("tools_list").items()) {
      for (const auto& [cursor, at] : pages.items())
        reader.tools_list_[version][cursor] = index(at);
    }
    return reader;
  } catch (const std::exception&) {
    return std::nullopt;  // a truncated or foreign file: the engine writes a new one
  }
}

std::optional<std::string_view> SnapshotReader::initialize(const std::string& version) const {
  const auto found = initialize_.find(version);
  if (found == initialize_.end()) return std::nullopt;
  return bodies_[found->second];
}

std::optional<std::string_view> SnapshotReader::tools_list(const std::string& version,
                                                           const std::string& cursor) const {
  const auto pages = tools_list_.find(version);
  if (pages == tools_list_.end()) return std::nullopt;
  const auto page = pages->second.find(cursor);
  if (page == pages->second.end()) return std::nullopt;
  return bodies_[page->second];
}

Snapshot SnapshotReader::copy() const {
  Snapshot snapshot = snapshot_;
  for (const auto& [version, at] : initialize_) snapshot.initialize[version] = bodies_[at];
  for (const auto& [version, pages] : tools_list_) {
    for (const auto& [cursor, at] : pages) snapshot.tools_list[version][cursor] = bodies_[at];
  }
  return snapshot;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (const unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  // A separator, so that ("ab", "c") and ("a", "bc") chain to different digests.
  return (hash ^ 0xff) * 0x100000001b3ULL;
}

std::string launch_key(std::string_view front_identity, const std::vector<std::string>& arguments,
                       std::string_view working_directory,
                       const std::vector<std::string>& environment) {
  std::uint64_t hash = fnv1a(front_identity);
  for (const auto& argument : arguments) hash = fnv1a(argument, hash);
  hash = fnv1a(working_directory, hash);
  std::vector<std::string_view> steering;
  for (const auto& entry : environment) {
    if (steers_configuration(entry)) steering.push_back(entry);
  }
  std::sort(steering.begin(), steering.end());
  for (const auto entry : steering) hash = fnv1a(entry, hash);
  constexpr char kHex[] = "0123456789abcdef";
  std::string key(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) key[static_cast<std::size_t>(i)] = kHex[hash & 15];
  return key;
}

std::string snapshot_directory(const std::vector<std::string>& environment) {
  const std::string_view cache_home = variable(environment, "XDG_CACHE_HOME");
  if (cache_home.starts_with('/')) return std::string(cache_home) + "/quarry/startup";
  const std::string_view home = variable(environment, "HOME");
  if (home.empty()) return {};
  return std::string(home) + "/.cache/quarry/startup";
}

}  // namespace quarry::startup
