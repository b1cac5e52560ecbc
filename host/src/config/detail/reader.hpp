#pragma once
//! \file
//! Reads one configuration value, written either as a TOML node (the config file) or as a
//! string (environment variables, command-line overrides), into its Settings field, and
//! builds the ConfigError messages for everything that can be wrong with it.
//! Private to the config library.

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "config/detail/keys.hpp"
#include "config/detail/paths.hpp"
#include "config/detail/text.hpp"
#include "quarry/config/config.hpp"

namespace quarry::config::detail {

//! Where a value was written, and how to resolve the paths in it.
struct Site {
  Origin origin;
  std::filesystem::path base_dir;   //!< relative paths resolve against this (absolute)
  std::optional<std::string> home;  //!< replaces a leading `~`
};

//! The sentence that tells the user what to do about a bad value from `origin`.
inline std::string remedy(const Origin& origin) {
  switch (origin.kind) {
    case Origin::Kind::kFile:
      return "Fix or remove it in " + origin.where + ".";
    case Origin::Kind::kEnvironment:
      return "Fix or unset the environment variable " + origin.where + ".";
    case Origin::Kind::kCommandLine:
      return "Fix or drop the flag " + origin.where + ".";
    case Origin::Kind::kDefault:
      break;
  }
  return "Set HOME, or set the key in quarry.toml, in the environment or with --set.";
}

//! "WHERE: PROBLEM. HINT REMEDY" as a ConfigError; `hint` is an optional full sentence.
inline ConfigError error_at(const Origin& origin, const std::string& problem,
                            const std::string& hint = {}) {
  std::string message = origin.describe() + ": " + problem + ".";
  if (!hint.empty()) message += " " + hint;
  return ConfigError(message + " " + remedy(origin));
}

//! A TOML node as TOML-like text for messages: strings quoted, arrays as [a, b].
inline std::string render(const toml::node& node) {
  if (const auto* text = node.as_string()) return quote(text->get());
  if (const auto* array = node.as_array()) {
    std::vector<std::string> items;
    for (const toml::node& element : *array) items.push_back(render(element));
    return "[" + join(items, ", ") + "]";
  }
  if (node.is_table()) return "{...}";
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  return out.str();
}

//! The TOML type of `node` with its article, e.g. "a string", "an integer".
inline std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

//! "Use a value from MIN to MAX." / "Use a value of at least MIN."
inline std::string range_hint(const KeySpec& spec) {
  if (spec.max == kUnbounded) return "Use a value of at least " + std::to_string(spec.min) + ".";
  return "Use a value from " + std::to_string(spec.min) + " to " + std::to_string(spec.max) + ".";
}

//! "KEY = VALUE" for messages.
inline std::string subject(std::string_view key, const std::string& shown) {
  return std::string(key) + " = " + shown;
}

inline ConfigError wrong_type(const KeySpec& spec, const Site& site, const toml::node& node,
                              const std::string& expected) {
  return error_at(site.origin, subject(spec.name, render(node)) + " has the wrong type: expected " +
                                   expected + ", got " + type_name(node));
}

inline ConfigError not_a(const KeySpec& spec, const Site& site, std::string_view text,
                         const std::string& expected, const std::string& hint) {
  return error_at(site.origin, subject(spec.name, quote(text)) + " is not " + expected, hint);
}

inline ConfigError out_of_range(const KeySpec& spec, const Site& site, const std::string& shown) {
  return error_at(site.origin, subject(spec.name, shown) + " is out of range", range_hint(spec));
}

inline ConfigError not_a_level(const KeySpec& spec, const Site& site, const std::string& shown) {
  return error_at(site.origin, subject(spec.name, shown) + " is not a log level",
                  "Use one of trace, debug, info, warn, error, off.");
}

//! `value` if it is within the key's range; throws otherwise.
inline std::uint64_t in_range(const KeySpec& spec, const Site& site, std::uint64_t value,
                              const std::string& shown) {
  if (value < spec.min || value > spec.max) throw out_of_range(spec, site, shown);
  return value;
}

inline std::uint64_t read_unsigned(const KeySpec& spec, const Site& site, const toml::node& node) {
  const auto* integer = node.as_integer();
  if (integer == nullptr) throw wrong_type(spec, site, node, "an integer");
  if (integer->get() < 0) throw out_of_range(spec, site, render(node));
  return in_range(spec, site, static_cast<std::uint64_t>(integer->get()), render(node));
}

inline std::uint64_t read_unsigned(const KeySpec& spec, const Site& site, std::string_view text) {
  const Decimal decimal = parse_decimal(trim(text));
  if (decimal.error == DecimalError::kNotANumber) {
    throw not_a(spec, site, text, "a non-negative decimal integer", range_hint(spec));
  }
  if (decimal.error == DecimalError::kTooLarge) throw out_of_range(spec, site, quote(text));
  return in_range(spec, site, decimal.value, quote(text));
}

inline bool read_bool(const KeySpec& spec, const Site& site, const toml::node& node) {
  const auto* boolean = node.as_boolean();
  if (boolean == nullptr) throw wrong_type(spec, site, node, "a boolean (true or false)");
  return boolean->get();
}

inline bool read_bool(const KeySpec& spec, const Site& site, std::string_view text) {
  const std::optional<bool> value = parse_bool(trim(text));
  if (!value) throw not_a(spec, site, text, "a boolean", "Use true/false, yes/no, on/off or 1/0.");
  return *value;
}

//! `text` as an absolute, normal, `~`-expanded path; "" only when `may_be_empty`.
inline std::filesystem::path resolve(const KeySpec& spec, const Site& site, std::string_view text,
                                     bool may_be_empty) {
  if (text.empty()) {
    if (may_be_empty) return {};
    throw error_at(site.origin, subject(spec.name, "\"\"") + " contains an empty path",
                   "Give a directory or file path.");
  }
  const std::optional<std::filesystem::path> expanded = expand_home(text, site.home);
  if (!expanded) {
    throw error_at(site.origin,
                   subject(spec.name, quote(text)) + " starts with ~ but HOME is not set",
                   "Set HOME or use an absolute path.");
  }
  return absolute_normal(*expanded, site.base_dir);
}

inline std::filesystem::path read_path(const KeySpec& spec, const Site& site,
                                       const toml::node& node) {
  const auto* text = node.as_string();
  if (text == nullptr) throw wrong_type(spec, site, node, "a string (a path)");
  return resolve(spec, site, text->get(), spec.may_be_empty);
}

inline std::filesystem::path read_path(const KeySpec& spec, const Site& site,
                                       std::string_view text) {
  return resolve(spec, site, trim(text), spec.may_be_empty);
}

//! `paths`, unless the list is empty and the key needs at least one entry.
inline std::vector<std::filesystem::path> non_empty(const KeySpec& spec, const Site& site,
                                                    std::vector<std::filesystem::path> paths,
                                                    const std::string& shown) {
  if (paths.empty() && !spec.may_be_empty) {
    throw error_at(site.origin, subject(spec.name, shown) + " is empty",
                   "List at least one directory.");
  }
  return paths;
}

//! `site` moved to the line of `node`, for elements of multi-line arrays.
inline Site at_node(Site site, const toml::node& node) {
  if (site.origin.kind == Origin::Kind::kFile && node.source().begin.line > 0) {
    site.origin.line = node.source().begin.line;
  }
  return site;
}

inline std::vector<std::filesystem::path> read_paths(const KeySpec& spec, const Site& site,
                                                     const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr) throw wrong_type(spec, site, node, "an array of strings (paths)");
  std::vector<std::filesystem::path> paths;
  for (const toml::node& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      throw error_at(at_node(site, element).origin,
                     subject(spec.name, render(node)) + " has the wrong type: element " +
                         std::to_string(paths.size() + 1) + " is " + type_name(element) +
                         ", expected a string (a path)");
    }
    paths.push_back(resolve(spec, at_node(site, element), text->get(), false));
  }
  return non_empty(spec, site, std::move(paths), render(node));
}

//! The items of a list written as a string: a TOML array `["a", "b"]` or `a,b`.
inline std::vector<std::string> list_items(const KeySpec& spec, const Site& site,
                                           std::string_view text) {
  const std::string_view trimmed = trim(text);
  if (!trimmed.starts_with('[')) return split_list(trimmed);
  std::string problem;
  std::optional<std::vector<std::string>> items = parse_string_array(trimmed, problem);
  if (!items) {
    throw not_a(spec, site, text, "a list of paths: " + problem,
                R"(Write a comma-separated list (a,b) or a TOML array (["a", "b"]).)");
  }
  return std::move(*items);
}

inline std::vector<std::filesystem::path> read_paths(const KeySpec& spec, const Site& site,
                                                     std::string_view text) {
  std::vector<std::filesystem::path> paths;
  for (const std::string& item : list_items(spec, site, text)) {
    paths.push_back(resolve(spec, site, item, false));
  }
  return non_empty(spec, site, std::move(paths), quote(text));
}

inline LogLevel read_level(const KeySpec& spec, const Site& site, const toml::node& node) {
  const auto* text = node.as_string();
  if (text == nullptr) throw wrong_type(spec, site, node, "a string (a log level)");
  const std::optional<LogLevel> level = parse_log_level(text->get());
  if (!level) throw not_a_level(spec, site, render(node));
  return *level;
}

inline LogLevel read_level(const KeySpec& spec, const Site& site, std::string_view text) {
  const std::optional<LogLevel> level = parse_log_level(trim(text));
  if (!level) throw not_a_level(spec, site, quote(text));
  return *level;
}

//! Visitor storing a raw value (toml::node or std::string_view) into the field it targets.
template <class Raw>
struct Assign {
  const KeySpec& spec;
  const Site& site;
  const Raw& raw;

  void operator()(std::uint64_t* field) const { *field = read_unsigned(spec, site, raw); }
  void operator()(std::uint32_t* field) const {
    *field = static_cast<std::uint32_t>(read_unsigned(spec, site, raw));  // max fits
  }
  void operator()(bool* field) const { *field = read_bool(spec, site, raw); }
  void operator()(std::filesystem::path* field) const { *field = read_path(spec, site, raw); }
  void operator()(std::vector<std::filesystem::path>* field) const {
    *field = read_paths(spec, site, raw);
  }
  void operator()(LogLevel* field) const { *field = read_level(spec, site, raw); }
};

//! Validates `raw` for `spec` and stores it in `settings`; throws ConfigError when invalid.
template <class Raw>
void assign(const KeySpec& spec, const Site& site, const Raw& raw, Settings& settings) {
  std::visit(Assign<Raw>{spec, site, raw}, spec.field(settings));
}

//! Visitor rendering a field's value TOML-like, for `quarry config show`.
struct RenderField {
  std::string operator()(const std::uint64_t* value) const { return std::to_string(*value); }
  std::string operator()(const std::uint32_t* value) const { return std::to_string(*value); }
  std::string operator()(const bool* value) const { return *value ? "true" : "false"; }
  std::string operator()(const std::filesystem::path* value) const {
    return quote(value->string());
  }
  std::string operator()(const std::vector<std::filesystem::path>* value) const {
    std::vector<std::string> items;
    for (const std::filesystem::path& path : *value) items.push_back(quote(path.string()));
    return "[" + join(items, ", ") + "]";
  }
  std::string operator()(const LogLevel* value) const { return quote(to_string(*value)); }
};

//! Error for an unknown `name` ("section.key" or a bare word) set to `shown`.
inline ConfigError unknown_key(std::string_view name, const Origin& origin,
                               const std::string& shown) {
  std::string hint;
  if (const auto nearest = closest_key(name)) {
    hint = "Did you mean " + std::string(*nearest);
    if (origin.kind == Origin::Kind::kEnvironment) hint += " (" + env_name(*nearest) + ")";
    hint += "?";
  }
  const std::string_view section = section_of(name);
  if (section.size() == name.size()) {
    return error_at(origin, "key " + subject(name, shown) + " has no section",
                    hint.empty() ? "Keys are written section.key, e.g. log.level." : hint);
  }
  if (!is_section(section)) {
    std::vector<std::string> sections(kSections.begin(), kSections.end());
    return error_at(origin,
                    "unknown section [" + std::string(section) + "] in " + subject(name, shown),
                    hint.empty() ? "Known sections: " + join(sections, ", ") + "." : hint);
  }
  return error_at(origin, "unknown key " + subject(name, shown),
                  hint.empty()
                      ? "Known keys in [" + std::string(section) + "]: " + keys_of(section) + "."
                      : hint);
}

//! Error for an empty table `[name]` in the file whose name is not a section.
inline ConfigError unknown_section(std::string_view name, const Origin& origin) {
  std::string hint = "Known sections: ";
  for (std::string_view section : kSections) {
    if (edit_distance(name, section) <= 2) {
      hint = "Did you mean [" + std::string(section) + "]? " + hint;
      break;
    }
  }
  std::vector<std::string> sections(kSections.begin(), kSections.end());
  return error_at(origin, "unknown section [" + std::string(name) + "]",
                  hint + join(sections, ", ") + ".");
}

//! Error for a file entry outside any section: `name = shown` at the top level.
inline ConfigError outside_section(std::string_view name, const Origin& origin,
                                   const std::string& shown) {
  if (is_section(name)) {
    return error_at(origin, subject(name, shown) + " must be a table",
                    "Write [" + std::string(name) + "] and put its keys below it.");
  }
  for (const KeySpec& spec : kKeys) {
    if (spec.name.substr(section_of(spec.name).size() + 1) == name) {
      return error_at(origin, "key " + subject(name, shown) + " is outside any section",
                      "Did you mean " + std::string(spec.name) + "? Put it below [" +
                          std::string(section_of(spec.name)) + "].");
    }
  }
  return unknown_key(name, origin, shown);
}

}  // namespace quarry::config::detail
