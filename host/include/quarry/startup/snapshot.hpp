#pragma once
//! \file
//! The startup snapshot: the answers a `quarry serve` session gives before its first tool
//! call (initialize, tools/list), recorded by the engine together with the state of every
//! file they depend on. The `quarry` front process replays them while the engine starts, so
//! a client lists tools in the time it takes to start a small static program; the moment
//! any input differs (a plugin added, replaced or removed, a config file edited, another
//! engine build), the snapshot is ignored and the engine answers.
//!
//! This library depends on nothing but the C++ standard library and nlohmann_json: the
//! front links it statically and must start in a couple of milliseconds.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::startup {

//! What a recorded path was when the snapshot was taken.
struct PathState {
  enum class Kind { kMissing, kFile, kDirectory };
  std::string path;
  Kind kind = Kind::kMissing;
  std::uint64_t size = 0;     //!< bytes, for files
  std::int64_t mtime_ns = 0;  //!< modification time (a directory's changes when entries come or go)
  std::uint64_t inode = 0;    //!< a file replaced by rename gets a new inode

  //! The current state of `path` (stat follows symlinks).
  [[nodiscard]] static PathState of(const std::string& path);
  bool operator==(const PathState&) const = default;
};

//! Recorded answers and the inputs they depend on. Answers are the JSON text of a
//! response's `result` member, exactly as the engine serialises it.
struct Snapshot {
  //! Identifies the launch (front build, arguments, working directory, environment).
  std::string key;
  //! Every path whose state the answers depend on.
  std::vector<PathState> inputs;
  //! initialize result per negotiated protocol version.
  std::map<std::string, std::string> initialize;
  //! tools/list result per negotiated version, then per cursor ("" for the first page).
  std::map<std::string, std::map<std::string, std::string>> tools_list;

  //! A digest of the answers alone (not the inputs): equal digests, equal answers.
  [[nodiscard]] std::uint64_t answers_digest() const;

  //! True when every input is still as recorded.
  [[nodiscard]] bool inputs_unchanged() const;
};

//! The snapshot as file text: a format line, a header line (JSON: key, inputs, digest,
//! index), then the answers verbatim, so that a reader parses only the header.
[[nodiscard]] std::string serialize(const Snapshot& snapshot);

//! A snapshot read from `serialize`'s output without copying its answers: the views point
//! into the text, which must outlive the reader.
class SnapshotReader {
 public:
  //! nullopt when `text` is not a snapshot of this format (truncated, foreign, older).
  [[nodiscard]] static std::optional<SnapshotReader> open(std::string_view text);

  [[nodiscard]] const std::string& key() const { return snapshot_.key; }
  //! The answers' digest as recorded (`Snapshot::answers_digest()` of the recording).
  [[nodiscard]] std::uint64_t digest() const { return digest_; }
  [[nodiscard]] bool inputs_unchanged() const { return snapshot_.inputs_unchanged(); }
  //! The initialize result for a negotiated version.
  [[nodiscard]] std::optional<std::string_view> initialize(const std::string& version) const;
  //! The tools/list result for a negotiated version and cursor ("" for the first page).
  [[nodiscard]] std::optional<std::string_view> tools_list(const std::string& version,
                                                           const std::string& cursor) const;
  //! An owning copy (tests).
  [[nodiscard]] Snapshot copy() const;

 private:
  Snapshot snapshot_;  //!< key and inputs; the answers are the views below
  std::uint64_t digest_ = 0;
  std::vector<std::string_view> bodies_;
  std::map<std::string, std::size_t> initialize_;
  std::map<std::string, std::map<std::string, std::size_t>> tools_list_;
};

//! 64-bit FNV-1a of `bytes`, chained from `seed`.
[[nodiscard]] std::uint64_t fnv1a(std::string_view bytes,
                                  std::uint64_t seed = 0xcbf29ce484222325ULL);

//! Names of the environment variables the front hands to the engine.
inline constexpr const char* kSnapshotFileVariable = "QUARRY_SNAPSHOT_FILE";
inline constexpr const char* kSnapshotKeyVariable = "QUARRY_SNAPSHOT_KEY";
inline constexpr const char* kHandoverFdVariable = "QUARRY_HANDOVER_FD";
//! Overrides where the front finds the engine executable.
inline constexpr const char* kEngineVariable = "QUARRY_ENGINE";

//! The launch key: a hex digest of the front executable's identity, the arguments, the
//! working directory and the environment variables that steer configuration
//! (QUARRY_*, HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME).
[[nodiscard]] std::string launch_key(std::string_view front_identity,
                                     const std::vector<std::string>& arguments,
                                     std::string_view working_directory,
                                     const std::vector<std::string>& environment);

//! Where snapshots live: $XDG_CACHE_HOME/quarry/startup, else $HOME/.cache/quarry/startup;
//! empty when neither is set.
[[nodiscard]] std::string snapshot_directory(const std::vector<std::string>& environment);

}  // namespace quarry::startup
