//! \file
//! Loading the layered configuration: defaults < quarry.toml < QUARRY_<SECTION>_<KEY>
//! environment variables < command-line overrides. The key table lives in detail/keys.hpp,
//! value parsing and error messages in detail/reader.hpp.

#include "quarry/config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>
#include <type_traits>
#include <utility>

#include <toml++/toml.h>

#include "config/detail/keys.hpp"
#include "config/detail/paths.hpp"
#include "config/detail/reader.hpp"
#include "config/detail/text.hpp"

namespace quarry::config {

std::filesystem::path column_cache_dir(const Settings& settings) {
  return settings.cache.columns_dir.empty() ? settings.plugins.cache_dir / "columns"
                                            : settings.cache.columns_dir;
}

std::string Origin::describe() const {
  switch (kind) {
    case Kind::kDefault:
      return "default";
    case Kind::kFile:
      return line > 0 ? where + ":" + std::to_string(line) : where;
    case Kind::kEnvironment:
      return "env " + where;
    case Kind::kCommandLine:
      return "flag " + where;
  }
  return where;
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  const std::string word = detail::to_lower(text);
  if (word == "trace") return LogLevel::kTrace;
  if (word == "debug") return LogLevel::kDebug;
  if (word == "info") return LogLevel::kInfo;
  if (word == "warn" || word == "warning") return LogLevel::kWarn;
  if (word == "error") return LogLevel::kError;
  if (word == "off") return LogLevel::kOff;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      return "off";
  }
  return "info";
}

namespace {

namespace fs = std::filesystem;
using detail::KeySpec;
using detail::Site;

//! The process environment as a map; the first entry of a name wins, as with getenv().
using Environment = std::map<std::string, std::string, std::less<>>;

Environment parse_environment(const std::vector<std::string>& entries) {
  Environment environment;
  for (const std::string& entry : entries) {
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    environment.emplace(entry.substr(0, equals), entry.substr(equals + 1));
  }
  return environment;
}

//! The non-empty value of `name`, if set.
std::optional<std::string> lookup(const Environment& environment, std::string_view name) {
  const auto found = environment.find(name);
  if (found == environment.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

//! HOME from the request's environment, else from the process (the only getenv here).
std::optional<std::string> find_home(const Environment& environment) {
  if (auto home = lookup(environment, "HOME")) return home;
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home);
  return std::nullopt;
}

//! The request's base directory made absolute (the current directory when empty).
fs::path absolute_base(const fs::path& base_dir) {
  if (base_dir.is_absolute()) return detail::absolute_normal(base_dir, {});
  return detail::absolute_normal(base_dir, fs::current_path());
}

//! A config file to read, and what named it (for messages).
struct ConfigFile {
  fs::path path;
  std::string named_by;   //!< "--config", "env QUARRY_CONFIG" or "the default search"
  std::string remedy;     //!< what to do when it cannot be used
  bool searched = false;  //!< found by the default search rather than named
};

//! Where the default search looks, in order.
std::vector<fs::path> default_candidates(const Environment& environment, const Site& site) {
  std::vector<fs::path> candidates{site.base_dir / "quarry.toml"};
  const std::optional<std::string> xdg = lookup(environment, "XDG_CONFIG_HOME");
  if (xdg && fs::path(*xdg).is_absolute()) {
    candidates.push_back(fs::path(*xdg) / "quarry" / "quarry.toml");
  } else if (site.home) {
    candidates.push_back(fs::path(*site.home) / ".config" / "quarry" / "quarry.toml");
  }
  return candidates;
}

//! An explicitly named file, resolved like any path value.
fs::path explicit_path(const std::string& text, const Site& site) {
  const auto expanded = detail::expand_home(text, site.home);
  return detail::absolute_normal(expanded ? *expanded : fs::path(text), site.base_dir);
}

//! The file to read: --config, else $QUARRY_CONFIG, else the first default that exists.
std::optional<ConfigFile> locate(const LoadRequest& request, const Environment& environment,
                                 const Site& site) {
  if (!request.config_file.empty()) {
    return ConfigFile{explicit_path(request.config_file.string(), site), "--config",
                      "Fix the path given to --config, or drop --config to use the default "
                      "search."};
  }
  if (const auto named = lookup(environment, "QUARRY_CONFIG")) {
    return ConfigFile{explicit_path(*named, site), "env QUARRY_CONFIG",
                      "Fix or unset the environment variable QUARRY_CONFIG."};
  }
  for (const fs::path& candidate : default_candidates(environment, site)) {
    std::error_code error;
    if (fs::exists(candidate, error)) {
      return ConfigFile{candidate, "the default search",
                        "Fix its permissions, or move it away to run with the defaults.", true};
    }
  }
  return std::nullopt;
}

//! "config file PATH (named by WHO) PROBLEM. REMEDY" as a ConfigError.
ConfigError file_error(const ConfigFile& file, const std::string& problem) {
  return ConfigError("config file " + file.path.string() + " (named by " + file.named_by + ") " +
                     problem + ". " + file.remedy);
}

//! The whole text of the file; throws ConfigError when it is missing or unreadable.
std::string read_text(const ConfigFile& file) {
  std::error_code error;
  const fs::file_status status = fs::status(file.path, error);
  if (status.type() == fs::file_type::not_found) throw file_error(file, "does not exist");
  if (status.type() == fs::file_type::directory) throw file_error(file, "is a directory");
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    throw file_error(file, "cannot be read: " + std::generic_category().message(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw file_error(file, "cannot be read: I/O error");
  return text.str();
}

//! The parsed document; throws ConfigError with line and column on a syntax error.
toml::table parse_text(const std::string& text, const fs::path& path) {
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    throw ConfigError(path.string() + ":" + std::to_string(at.line) + ":" +
                      std::to_string(at.column) +
                      ": TOML syntax error: " + std::string(e.description()) +
                      ". Fix the syntax at that position; config/quarry.toml shows the format of "
                      "every key.");
  }
}

//! The settings being built, one layer after another, with the origin of each set key.
class Layers {
 public:
  Layers(fs::path base_dir, std::optional<std::string> home)
      : base_dir_(std::move(base_dir)), home_(std::move(home)) {}

  //! A site at `origin` whose relative paths resolve against `base_dir`.
  [[nodiscard]] Site site(Origin origin, const fs::path& base_dir) const {
    return Site{std::move(origin), base_dir, home_};
  }
  [[nodiscard]] Site site(Origin origin) const { return site(std::move(origin), base_dir_); }

  void apply_file(const toml::table& root, const fs::path& path);
  void apply_environment(const Environment& environment);
  void apply_overrides(const std::vector<CommandLineOverride>& overrides);
  void apply_defaults();

  Settings settings;
  std::map<std::string, Origin> origins;

 private:
  template <class Raw>
  void set(std::string_view name, const Site& site, const Raw& raw);
  void apply_section(std::string_view section, const toml::table& table, const fs::path& path);
  [[nodiscard]] Site file_site(const fs::path& path, const toml::node& node) const;

  fs::path base_dir_;
  std::optional<std::string> home_;
};

template <class Raw>
void Layers::set(std::string_view name, const Site& site, const Raw& raw) {
  const KeySpec* spec = detail::find_key(name);
  if (spec == nullptr) {
    if constexpr (std::is_same_v<Raw, toml::node>) {
      throw detail::unknown_key(name, site.origin, detail::render(raw));
    } else {
      throw detail::unknown_key(name, site.origin, detail::quote(raw));
    }
  }
  detail::assign(*spec, site, raw, settings);
  origins[std::string(spec->name)] = site.origin;
}

Site Layers::file_site(const fs::path& path, const toml::node& node) const {
  return site(Origin{Origin::Kind::kFile, path.string(), node.source().begin.line},
              path.parent_path());
}

void Layers::apply_file(const toml::table& root, const fs::path& path) {
  for (const auto& [name, node] : root) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      throw detail::outside_section(name.str(), file_site(path, node).origin, detail::render(node));
    }
    if (table->empty() && !detail::is_section(name.str())) {
      throw detail::unknown_section(name.str(), file_site(path, node).origin);
    }
    apply_section(name.str(), *table, path);
  }
}

void Layers::apply_section(std::string_view section, const toml::table& table,
                           const fs::path& path) {
  for (const auto& [key, node] : table) {
    set(std::string(section) + "." + std::string(key.str()), file_site(path, node), node);
  }
}

void Layers::apply_environment(const Environment& environment) {
  constexpr std::string_view kPrefix = "QUARRY_";
  for (const auto& [variable, value] : environment) {
    if (!variable.starts_with(kPrefix)) continue;
    const std::string_view rest = std::string_view(variable).substr(kPrefix.size());
    const auto underscore = rest.find('_');
    if (underscore == std::string_view::npos) continue;  // QUARRY_CONFIG and the like
    const std::string section = detail::to_lower(rest.substr(0, underscore));
    if (!detail::is_section(section)) continue;  // another tool's variable
    const std::string key = section + "." + detail::to_lower(rest.substr(underscore + 1));
    set(key, site(Origin{Origin::Kind::kEnvironment, variable, 0}), std::string_view(value));
  }
}

void Layers::apply_overrides(const std::vector<CommandLineOverride>& overrides) {
  for (const CommandLineOverride& item : overrides) {
    const std::string flag = item.flag.empty() ? "--set " + item.key + "=" + item.value : item.flag;
    set(item.key, site(Origin{Origin::Kind::kCommandLine, flag, 0}), std::string_view(item.value));
  }
}

void Layers::apply_defaults() {
  for (const KeySpec& spec : detail::kKeys) {
    const std::string name(spec.name);
    if (origins.contains(name)) continue;
    if (!spec.default_text.empty())
      detail::assign(spec, site(Origin{}), spec.default_text, settings);
    origins[name] = Origin{};
  }
}

}  // namespace

Config Config::load(const LoadRequest& request) {
  const Environment environment = parse_environment(request.environment);
  Layers layers(absolute_base(request.base_dir), find_home(environment));
  Config config;
  const auto file = locate(request, environment, layers.site(Origin{}));
  if (file) {
    layers.apply_file(parse_text(read_text(*file), file->path), file->path);
    config.file_ = file->path;
  }
  // An explicitly named file is the only one that matters; otherwise a default candidate
  // that appears later would change the outcome too.
  config.consulted_ = file && !file->searched
                          ? std::vector<fs::path>{file->path}
                          : default_candidates(environment, layers.site(Origin{}));
  layers.apply_environment(environment);
  layers.apply_overrides(request.overrides);
  layers.apply_defaults();
  config.settings_ = std::move(layers.settings);
  config.origins_ = std::move(layers.origins);
  return config;
}

Config Config::from_settings(Settings settings) {
  Config config;
  config.settings_ = std::move(settings);
  return config;
}

std::vector<ShownValue> Config::show() const {
  Settings copy = settings_;  // FieldRef points into a mutable Settings
  std::vector<ShownValue> shown;
  for (const KeySpec& spec : detail::kKeys) {
    const auto origin = origins_.find(std::string(spec.name));
    shown.push_back(
        ShownValue{std::string(spec.name), std::visit(detail::RenderField{}, spec.field(copy)),
                   origin == origins_.end() ? Origin{} : origin->second, std::string(spec.doc)});
  }
  std::sort(shown.begin(), shown.end(),
            [](const ShownValue& a, const ShownValue& b) { return a.key < b.key; });
  return shown;
}

}  // namespace quarry::config
