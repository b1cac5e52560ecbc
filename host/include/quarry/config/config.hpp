#pragma once
//! \file
//! The effective configuration of a Quarry host: defaults, overridden by
//! `quarry.toml`, overridden by `QUARRY_<SECTION>_<KEY>` environment variables,
//! overridden by command-line flags. Every value remembers where it came from.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::config {

//! Where an effective value was set; shown by `quarry config show`.
struct Origin {
  enum class Kind { kDefault, kFile, kEnvironment, kCommandLine };
  Kind kind = Kind::kDefault;
  //! File path (kFile), variable name (kEnvironment) or flag (kCommandLine).
  std::string where;
  //! 1-based line in the file for kFile, else 0.
  std::uint32_t line = 0;

  //! Human-readable form, e.g. "default", "/etc/quarry.toml:12", "env QUARRY_LOG_LEVEL".
  [[nodiscard]] std::string describe() const;
};

//! A configuration problem: unknown key, wrong type, out-of-range value, unreadable file.
//! The message names the key, the value, and the file and line (or variable/flag).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! Log verbosity, ordered from most to least verbose.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

//! Parses "trace", "debug", "info", "warn"/"warning", "error", "off" (ASCII case-insensitive);
//! nullopt otherwise.
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);
//! The canonical lower-case name of a level.
[[nodiscard]] std::string_view to_string(LogLevel level);

//! The typed, validated configuration. Paths are absolute and `~`-expanded.
struct Settings {
  struct Plugins {
    //! Directories searched for plugins, in order; later duplicates of a tool name lose.
    std::vector<std::filesystem::path> dirs;
    //! Extra directories appended after `dirs` (e.g. from `--plugin-dir`).
    std::vector<std::filesystem::path> extra_dirs;
    //! Where the registry cache lives.
    std::filesystem::path cache_dir;
    //! How long a plugin probe may take before the plugin is marked bad.
    std::uint32_t probe_timeout_ms = 5000;
    //! Watch plugin directories and announce `notifications/tools/list_changed`.
    bool watch = true;
  } plugins;

  struct Cache {
    //! Where typed copies of the columns of files read before are kept; empty means
    //! `columns/` under plugins.cache_dir.
    std::filesystem::path columns_dir;
    //! Most MiB the column cache may hold (least recently used entries go first); 0 turns
    //! it off.
    std::uint64_t columns_max_mb = 4096;
  } cache;
  struct Data {
    //! Tools read input files only under these roots.
    std::vector<std::filesystem::path> roots;
  } data;

  struct Output {
    //! Tools write files only under this root.
    std::filesystem::path root;
  } output;

  struct Memory {
    //! Budget for one pipeline run's buffered data, in MiB.
    std::uint64_t budget_mb = 256;
    //! Input chunk size in KiB; 0 derives it from the budget.
    std::uint64_t chunk_kb = 0;
  } memory;

  struct Exec {
    //! Worker threads of one pipeline run; 0 uses every core.
    std::uint32_t threads = 0;
    //! Files with at least this many MiB of rows are typed from a sample (see
    //! io::CsvOptions::sample_typing_min_bytes); 0 scans every row first.
    std::uint64_t sample_types_min_mb = 8;
  } exec;

  struct Results {
    //! Largest serialized tool result sent to the client, in bytes.
    std::uint64_t max_bytes = 32 * 1024;
    //! Largest number of data rows inlined in a result before truncating.
    std::uint64_t max_rows = 50;
    //! Full results (of calls cut to the budget) kept under `results/` of the output root:
    //! at most this many files, the oldest removed first; 0 keeps none.
    std::uint64_t keep_files = 100;
    //! ... and at most this many MiB of them (the newest is kept whatever its size).
    std::uint64_t keep_mb = 256;
  } results;

  struct Limits {
    std::uint64_t max_file_mb = 100 * 1024;
    std::uint64_t max_rows = 10'000'000'000ULL;
    std::uint64_t max_columns = 20'000;
    std::uint64_t max_cell_bytes = 1024 * 1024;
    //! Tool calls that may run at the same time; further calls wait.
    std::uint32_t max_concurrent_calls = 8;
    //! Wall-clock limit of one tool call in seconds; 0 disables it.
    std::uint32_t call_timeout_s = 3600;
  } limits;

  struct Mcp {
    //! Tools per `tools/list` page.
    std::uint32_t page_size = 100;
    //! `ttlMs` on stateless (2026-07-28) list results, in milliseconds.
    std::uint32_t list_ttl_ms = 30'000;
  } mcp;

  struct Log {
    LogLevel level = LogLevel::kInfo;
    //! Optional log file in addition to stderr; empty for none.
    std::filesystem::path file;
  } log;
};

//! The column cache's directory: cache.columns_dir, or `columns/` under plugins.cache_dir.
[[nodiscard]] std::filesystem::path column_cache_dir(const Settings& settings);

//! One effective key for `quarry config show`.
struct ShownValue {
  std::string key;    //!< "section.key"
  std::string value;  //!< TOML-like rendering of the effective value
  Origin origin;
  std::string doc;  //!< One-line description of the key
};

//! A `section.key=value` override given on the command line.
struct CommandLineOverride {
  std::string key;
  std::string value;
  std::string flag;  //!< The flag as the user wrote it, for messages.
};

//! Inputs to `load()`: everything outside the process that can shape the settings.
struct LoadRequest {
  //! Explicit `--config` path; when empty the default search applies
  //! ($QUARRY_CONFIG, ./quarry.toml, $XDG_CONFIG_HOME/quarry/quarry.toml), and a
  //! missing default file is not an error.
  std::filesystem::path config_file;
  //! Environment as NAME=VALUE entries (pass `environ`); only QUARRY_* are read.
  std::vector<std::string> environment;
  std::vector<CommandLineOverride> overrides;
  //! Directory relative paths are resolved against (the current directory).
  std::filesystem::path base_dir;
};

//! The loaded configuration with provenance.
class Config {
 public:
  //! Loads and validates; throws ConfigError naming key, value and source on any problem.
  static Config load(const LoadRequest& request);

  [[nodiscard]] const Settings& settings() const { return settings_; }
  //! The file that was read, if any.
  [[nodiscard]] const std::optional<std::filesystem::path>& file() const { return file_; }
  //! Every config file whose presence or contents decide this configuration (whether or
  //! not it exists): the named file, or every default candidate.
  [[nodiscard]] const std::vector<std::filesystem::path>& consulted_files() const {
    return consulted_;
  }
  //! Every key with its effective value and origin, sorted by key.
  [[nodiscard]] std::vector<ShownValue> show() const;

  //! Builds a Config from settings directly (tests, embedding).
  static Config from_settings(Settings settings);

 private:
  Settings settings_;
  std::optional<std::filesystem::path> file_;
  std::vector<std::filesystem::path> consulted_;
  std::map<std::string, Origin> origins_;
};

}  // namespace quarry::config
