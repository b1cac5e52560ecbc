#pragma once
//! \file
//! The table of configuration keys: name, documentation, allowed range, path default and
//! the Settings field each key sets. Every other part of the config library is driven by
//! this table, so adding a key means adding one row here (and to config/quarry.toml).

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/detail/text.hpp"
#include "quarry/config/config.hpp"

namespace quarry::config::detail {

//! A pointer to the Settings field a key sets; the alternative gives the key's type.
using FieldRef = std::variant<std::uint64_t*, std::uint32_t*, bool*, std::filesystem::path*,
                              std::vector<std::filesystem::path>*, LogLevel*>;

//! Upper bound of an integer key that has no upper bound.
inline constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

//! One configuration key.
struct KeySpec {
  std::string_view name = {};  //!< "section.key"
  std::string_view doc = {};   //!< one line for `quarry config show`
  FieldRef (*field)(Settings&) = nullptr;
  std::uint64_t min = 0;           //!< integers: smallest allowed value
  std::uint64_t max = kUnbounded;  //!< integers: largest allowed value
  bool may_be_empty = false;       //!< paths: "" allowed; path lists: [] allowed
  //! Path keys: the default as written (resolved against the base directory at load time);
  //! empty when the default is the Settings member initializer.
  std::string_view default_text = {};
};

// clang-format off
//! Every key, sorted by name.
inline constexpr std::array kKeys = std::to_array<KeySpec>({
  {.name = "cache.columns_dir",
   .doc = "Directory of the column cache; empty for columns/ under plugins.cache_dir",
   .field = [](Settings& s) -> FieldRef { return &s.cache.columns_dir; },
   .may_be_empty = true},
  {.name = "cache.columns_max_mb",
   .doc = "Most MiB the column cache of files read before may hold; 0 turns it off",
   .field = [](Settings& s) -> FieldRef { return &s.cache.columns_max_mb; },
   .min = 0, .max = 1'048'576},
  {.name = "data.roots",
   .doc = "Directories tools may read input files from, besides the output root (non-empty list)",
   .field = [](Settings& s) -> FieldRef { return &s.data.roots; },
   .default_text = R"(["."])"},
  {.name = "exec.sample_types_min_mb",
   .doc = "Files with at least this many MiB of rows are typed from a sample and read once, "
          "every value checked as it is parsed; 0 always scans every row first",
   .field = [](Settings& s) -> FieldRef { return &s.exec.sample_types_min_mb; },
   .min = 0, .max = 1'048'576},
  {.name = "exec.threads",
   .doc = "Worker threads of one pipeline run; 0 uses every core",
   .field = [](Settings& s) -> FieldRef { return &s.exec.threads; },
   .min = 0, .max = 1024},
  {.name = "limits.call_timeout_s",
   .doc = "Wall-clock limit of one tool call in seconds; 0 disables it",
   .field = [](Settings& s) -> FieldRef { return &s.limits.call_timeout_s; },
   .min = 0, .max = 604'800},
  {.name = "limits.max_cell_bytes",
   .doc = "Largest single cell (string value) read from an input, in bytes",
   .field = [](Settings& s) -> FieldRef { return &s.limits.max_cell_bytes; },
   .min = 16, .max = 1'000'000'000},
  {.name = "limits.max_columns",
   .doc = "Largest number of columns in one input",
   .field = [](Settings& s) -> FieldRef { return &s.limits.max_columns; },
   .min = 1, .max = 1'000'000},
  {.name = "limits.max_concurrent_calls",
   .doc = "Tool calls that may run at the same time; further calls wait",
   .field = [](Settings& s) -> FieldRef { return &s.limits.max_concurrent_calls; },
   .min = 1, .max = 256},
  {.name = "limits.max_file_mb",
   .doc = "Largest input file a tool may read, in MiB",
   .field = [](Settings& s) -> FieldRef { return &s.limits.max_file_mb; },
   .min = 1},
  {.name = "limits.max_rows",
   .doc = "Largest number of rows read from one input",
   .field = [](Settings& s) -> FieldRef { return &s.limits.max_rows; },
   .min = 1},
  {.name = "log.file",
   .doc = "Log file written in addition to stderr; empty for none",
   .field = [](Settings& s) -> FieldRef { return &s.log.file; },
   .may_be_empty = true},
  {.name = "log.level",
   .doc = "Log verbosity: trace, debug, info, warn, error or off",
   .field = [](Settings& s) -> FieldRef { return &s.log.level; }},
  {.name = "mcp.list_ttl_ms",
   .doc = "Freshness hint (ttlMs) on stateless tools/list results, in ms",
   .field = [](Settings& s) -> FieldRef { return &s.mcp.list_ttl_ms; },
   .min = 0, .max = 86'400'000},
  {.name = "mcp.page_size",
   .doc = "Tools per tools/list page",
   .field = [](Settings& s) -> FieldRef { return &s.mcp.page_size; },
   .min = 1, .max = 10'000},
  {.name = "memory.budget_mb",
   .doc = "Memory budget for one pipeline run's buffered data, in MiB",
   .field = [](Settings& s) -> FieldRef { return &s.memory.budget_mb; },
   .min = 8, .max = 1'048'576},
  {.name = "memory.chunk_kb",
   .doc = "Input chunk size in KiB; 0 derives it from memory.budget_mb",
   .field = [](Settings& s) -> FieldRef { return &s.memory.chunk_kb; },
   .min = 0, .max = 1'048'576},
  {.name = "output.root",
   .doc = "Directory tools write output files under",
   .field = [](Settings& s) -> FieldRef { return &s.output.root; },
   .default_text = "./quarry-out"},
  {.name = "plugins.cache_dir",
   .doc = "Directory of the plugin registry cache",
   .field = [](Settings& s) -> FieldRef { return &s.plugins.cache_dir; },
   .default_text = "~/.cache/quarry"},
  {.name = "plugins.dirs",
   .doc = "Directories searched for plugins, in order",
   .field = [](Settings& s) -> FieldRef { return &s.plugins.dirs; },
   .may_be_empty = true,
   .default_text = R"(["/usr/lib/quarry/plugins", "~/.local/share/quarry/plugins"])"},
  {.name = "plugins.extra_dirs",
   .doc = "Extra plugin directories searched after plugins.dirs",
   .field = [](Settings& s) -> FieldRef { return &s.plugins.extra_dirs; },
   .may_be_empty = true},
  {.name = "plugins.probe_timeout_ms",
   .doc = "Time a plugin probe may take before the plugin is marked bad, in ms",
   .field = [](Settings& s) -> FieldRef { return &s.plugins.probe_timeout_ms; },
   .min = 1, .max = 600'000},
  {.name = "plugins.watch",
   .doc = "Watch plugin directories and announce tool list changes",
   .field = [](Settings& s) -> FieldRef { return &s.plugins.watch; }},
  {.name = "results.keep_files",
   .doc = "Full results kept under results/ of the output root, the oldest removed first; "
          "0 writes none",
   .field = [](Settings& s) -> FieldRef { return &s.results.keep_files; },
   .min = 0, .max = 1'000'000},
  {.name = "results.keep_mb",
   .doc = "Most MiB the full results under results/ may take, the oldest removed first",
   .field = [](Settings& s) -> FieldRef { return &s.results.keep_mb; },
   .min = 1, .max = 1'048'576},
  {.name = "results.max_bytes",
   .doc = "Largest serialized tool result sent to the client, in bytes",
   .field = [](Settings& s) -> FieldRef { return &s.results.max_bytes; },
   .min = 1024, .max = 1'000'000'000},
  {.name = "results.max_rows",
   .doc = "Largest number of data rows inlined in a result before truncating",
   .field = [](Settings& s) -> FieldRef { return &s.results.max_rows; },
   .min = 1, .max = 10'000'000},
});
// clang-format on

//! The sections, sorted.
inline constexpr std::array<std::string_view, 10> kSections = {
    "cache", "data", "exec", "limits", "log", "mcp", "memory", "output", "plugins", "results"};

//! The key called `name` ("section.key"), or nullptr.
inline const KeySpec* find_key(std::string_view name) {
  for (const KeySpec& spec : kKeys) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

//! Whether `name` is a known section.
inline bool is_section(std::string_view name) {
  return std::find(kSections.begin(), kSections.end(), name) != kSections.end();
}

//! The section part of "section.key" (all of `name` when it has no dot).
inline std::string_view section_of(std::string_view name) {
  return name.substr(0, name.find('.'));
}

//! The known key nearest to the misspelt `name`, if it is near enough to be a likely typo.
inline std::optional<std::string_view> closest_key(std::string_view name) {
  std::optional<std::string_view> best;
  std::size_t best_distance = (name.size() >= 12 ? 3 : 2) + 1;
  for (const KeySpec& spec : kKeys) {
    const std::size_t distance = edit_distance(name, spec.name);
    if (distance < best_distance) {
      best = spec.name;
      best_distance = distance;
    }
  }
  return best;
}

//! The environment variable that sets key `name`, e.g. QUARRY_LOG_LEVEL for log.level.
inline std::string env_name(std::string_view name) {
  std::string variable = "QUARRY_" + to_upper(name);
  variable[variable.find('.')] = '_';
  return variable;
}

//! The keys of `section`, without the section prefix, joined with ", ".
inline std::string keys_of(std::string_view section) {
  std::vector<std::string> keys;
  for (const KeySpec& spec : kKeys) {
    if (section_of(spec.name) == section) keys.emplace_back(spec.name.substr(section.size() + 1));
  }
  return join(keys, ", ");
}

}  // namespace quarry::config::detail
