//! Unit tests for quarry/config/config.hpp: layering, provenance, path resolution, value
//! parsing, error messages, `show()` and the shipped config/quarry.toml.

#include "quarry/config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

namespace quarry::config {
namespace {

namespace fs = std::filesystem;

//! A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("quarry-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path_);
    path_ = fs::canonical(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path_ / "locked.toml", fs::perms::owner_all, ignored);
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const fs::path& path() const { return path_; }
  //! Writes `text` to `name` (creating parent directories) and returns the full path.
  fs::path write(const fs::path& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path path_;
};

//! A test sandbox: base directory, HOME and a request that sees only them.
class ConfigTest : public ::testing::Test {
 protected:
  [[nodiscard]] fs::path home() const { return dir_.path() / "home"; }
  [[nodiscard]] fs::path base() const { return dir_.path() / "work"; }

  void SetUp() override {
    fs::create_directories(home());
    fs::create_directories(base());
  }

  //! A request with HOME set, base_dir = base() and no config file anywhere.
  [[nodiscard]] LoadRequest request() const {
    LoadRequest request;
    request.base_dir = base();
    request.environment = {"HOME=" + home().string()};
    return request;
  }

  //! A request reading `text` as the explicit config file `name` under the temp dir.
  [[nodiscard]] LoadRequest with_file(const std::string& text,
                                      const fs::path& name = "etc/quarry.toml") const {
    LoadRequest request = this->request();
    request.config_file = dir_.write(name, text);
    return request;
  }

  //! The message of the ConfigError `load(request)` throws ("" when it does not throw).
  static std::string error_of(const LoadRequest& request) {
    try {
      (void)Config::load(request);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected a ConfigError";
    return "";
  }

  //! The shown entry for `key`.
  static ShownValue shown(const Config& config, const std::string& key) {
    for (const ShownValue& value : config.show()) {
      if (value.key == key) return value;
    }
    ADD_FAILURE() << "show() lacks " << key;
    return {};
  }

  TempDir dir_;
};

// Test suites named for the area they cover; all share the ConfigTest sandbox.
using ConfigLoad = ConfigTest;
using ConfigOrigin = ConfigTest;
using ConfigPaths = ConfigTest;
using ConfigValues = ConfigTest;
using ConfigSearch = ConfigTest;
using ConfigErrors = ConfigTest;
using ConfigShow = ConfigTest;
using ShippedConfig = ConfigTest;

//! Passes when `text` contains `part`; the failure shows both.
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\"\n  does not contain \"" << part << "\"";
}

//! Passes when `text` ends with `tail`.
::testing::AssertionResult ends_with(const std::string& text, const std::string& tail) {
  if (text.ends_with(tail)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\"\n  does not end with \"" << tail << "\"";
}

// ---------------------------------------------------------------------------------------
// Defaults and layering

TEST_F(ConfigLoad, DefaultsApplyWhenNoFileIsFound) {
  const Config config = Config::load(request());
  const Settings& s = config.settings();
  EXPECT_FALSE(config.file().has_value());
  EXPECT_EQ(s.plugins.dirs, (std::vector<fs::path>{"/usr/lib/quarry/plugins",
                                                   home() / ".local/share/quarry/plugins"}));
  EXPECT_TRUE(s.plugins.extra_dirs.empty());
  EXPECT_EQ(s.plugins.cache_dir, home() / ".cache/quarry");
  EXPECT_EQ(s.plugins.probe_timeout_ms, 5000U);
  EXPECT_TRUE(s.plugins.watch);
  EXPECT_EQ(s.data.roots, std::vector<fs::path>{base()});
  EXPECT_EQ(s.output.root, base() / "quarry-out");
  EXPECT_EQ(s.memory.budget_mb, 256U);
  EXPECT_EQ(s.results.max_bytes, 32U * 1024U);
  EXPECT_EQ(s.results.max_rows, 50U);
  EXPECT_EQ(s.results.keep_files, 100U);
  EXPECT_EQ(s.results.keep_mb, 256U);
  EXPECT_EQ(s.limits.max_concurrent_calls, 8U);
  EXPECT_EQ(s.limits.call_timeout_s, 3600U);
  EXPECT_EQ(s.log.level, LogLevel::kInfo);
  EXPECT_TRUE(s.log.file.empty());
  for (const ShownValue& value : config.show()) {
    EXPECT_EQ(value.origin.kind, Origin::Kind::kDefault) << value.key;
  }
}

TEST_F(ConfigLoad, FileOverridesDefaults) {
  const Config config = Config::load(with_file("[memory]\nbudget_mb = 512\n"));
  EXPECT_EQ(config.settings().memory.budget_mb, 512U);
  EXPECT_EQ(config.settings().results.max_rows, 50U);
  EXPECT_EQ(config.file(), dir_.path() / "etc/quarry.toml");
}

TEST_F(ConfigLoad, EnvironmentOverridesFile) {
  LoadRequest req = with_file("[memory]\nbudget_mb = 512\n[log]\nlevel = \"warn\"\n");
  req.environment.push_back("QUARRY_MEMORY_BUDGET_MB=1024");
  const Config config = Config::load(req);
  EXPECT_EQ(config.settings().memory.budget_mb, 1024U);
  EXPECT_EQ(config.settings().log.level, LogLevel::kWarn);
}

TEST_F(ConfigLoad, CommandLineOverridesEnvironment) {
  LoadRequest req = with_file("[log]\nlevel = \"warn\"\n");
  req.environment.push_back("QUARRY_LOG_LEVEL=error");
  req.overrides.push_back({"log.level", "debug", "--set log.level=debug"});
  EXPECT_EQ(Config::load(req).settings().log.level, LogLevel::kDebug);
}

TEST_F(ConfigLoad, LaterCommandLineOverrideWins) {
  LoadRequest req = request();
  req.overrides.push_back({"memory.budget_mb", "100", "--set memory.budget_mb=100"});
  req.overrides.push_back({"memory.budget_mb", "200", "--set memory.budget_mb=200"});
  const Config config = Config::load(req);
  EXPECT_EQ(config.settings().memory.budget_mb, 200U);
  EXPECT_EQ(shown(config, "memory.budget_mb").origin.where, "--set memory.budget_mb=200");
}

TEST_F(ConfigLoad, BadValueInOverriddenLayerIsStillAnError) {
  LoadRequest req = with_file("[memory]\nbudget_mb = 1\n");
  req.environment.push_back("QUARRY_MEMORY_BUDGET_MB=512");
  EXPECT_TRUE(contains(error_of(req), "memory.budget_mb = 1"));
}

// ---------------------------------------------------------------------------------------
// Origins

TEST_F(ConfigOrigin, FileValuesReportFileAndLine) {
  const Config config = Config::load(with_file("# comment\n[log]\n\nlevel = \"debug\"\n"));
  const Origin origin = shown(config, "log.level").origin;
  EXPECT_EQ(origin.kind, Origin::Kind::kFile);
  EXPECT_EQ(origin.where, (dir_.path() / "etc/quarry.toml").string());
  EXPECT_EQ(origin.line, 4U);
  EXPECT_EQ(origin.describe(), (dir_.path() / "etc/quarry.toml").string() + ":4");
  EXPECT_EQ(shown(config, "log.file").origin.describe(), "default");
}

TEST_F(ConfigOrigin, EnvironmentOriginNamesVariable) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_PLUGINS_WATCH=off");
  const Config config = Config::load(req);
  EXPECT_FALSE(config.settings().plugins.watch);
  EXPECT_EQ(shown(config, "plugins.watch").origin.describe(), "env QUARRY_PLUGINS_WATCH");
}

TEST_F(ConfigOrigin, CommandLineOriginNamesFlag) {
  LoadRequest req = request();
  req.overrides.push_back({"log.level", "debug", "--log-level debug"});
  req.overrides.push_back({"results.max_rows", "10", ""});
  const Config config = Config::load(req);
  EXPECT_EQ(shown(config, "log.level").origin.describe(), "flag --log-level debug");
  EXPECT_EQ(shown(config, "results.max_rows").origin.describe(), "flag --set results.max_rows=10");
}

TEST(OriginDescribe, RendersEveryKind) {
  EXPECT_EQ(Origin{}.describe(), "default");
  EXPECT_EQ((Origin{Origin::Kind::kFile, "/etc/quarry.toml", 12}).describe(),
            "/etc/quarry.toml:12");
  EXPECT_EQ((Origin{Origin::Kind::kEnvironment, "QUARRY_LOG_LEVEL", 0}).describe(),
            "env QUARRY_LOG_LEVEL");
  EXPECT_EQ((Origin{Origin::Kind::kCommandLine, "--set log.level=debug", 0}).describe(),
            "flag --set log.level=debug");
}

// ---------------------------------------------------------------------------------------
// Paths

TEST_F(ConfigPaths, RelativePathsInFileResolveAgainstFileDirectory) {
  const Config config = Config::load(
      with_file("[data]\nroots = [\"in\", \"../shared/./x/\"]\n[output]\nroot = \"out\"\n"));
  EXPECT_EQ(config.settings().data.roots,
            (std::vector<fs::path>{dir_.path() / "etc/in", dir_.path() / "shared/x"}));
  EXPECT_EQ(config.settings().output.root, dir_.path() / "etc/out");
}

TEST_F(ConfigPaths, RelativePathsFromEnvironmentAndFlagsResolveAgainstBaseDir) {
  LoadRequest req = with_file("[output]\nroot = \"from-file\"\n");
  req.environment.push_back("QUARRY_OUTPUT_ROOT=out/../results");
  req.overrides.push_back({"log.file", "logs/quarry.log", "--set log.file=logs/quarry.log"});
  const Config config = Config::load(req);
  EXPECT_EQ(config.settings().output.root, base() / "results");
  EXPECT_EQ(config.settings().log.file, base() / "logs/quarry.log");
}

TEST_F(ConfigPaths, TildeExpandsUsingHomeFromEnvironment) {
  LoadRequest req = with_file("[plugins]\ncache_dir = \"~/cache\"\n");
  req.environment.push_back("QUARRY_OUTPUT_ROOT=~");
  const Config config = Config::load(req);
  EXPECT_EQ(config.settings().plugins.cache_dir, home() / "cache");
  EXPECT_EQ(config.settings().output.root, home());
}

TEST_F(ConfigPaths, TildeUserIsAnOrdinaryRelativeName) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_OUTPUT_ROOT=~bob/out");
  EXPECT_EQ(Config::load(req).settings().output.root, base() / "~bob/out");
}

TEST_F(ConfigPaths, LogFileMayBeEmpty) {
  LoadRequest req = with_file("[log]\nfile = \"\"\n");
  EXPECT_TRUE(Config::load(req).settings().log.file.empty());
}

TEST_F(ConfigPaths, RelativeBaseDirIsMadeAbsolute) {
  LoadRequest req = request();
  req.base_dir.clear();
  req.config_file = dir_.write("empty.toml", "");  // keep the search out of the cwd
  EXPECT_EQ(Config::load(req).settings().data.roots,
            std::vector<fs::path>{fs::current_path().lexically_normal()});
}

// ---------------------------------------------------------------------------------------
// Values written as strings (environment and command line)

TEST_F(ConfigValues, EnvironmentArrayAcceptsCommaList) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_DATA_ROOTS=/srv/a, rel ,,~/c");
  EXPECT_EQ(Config::load(req).settings().data.roots,
            (std::vector<fs::path>{"/srv/a", base() / "rel", home() / "c"}));
}

TEST_F(ConfigValues, EnvironmentArrayAcceptsTomlArray) {
  LoadRequest req = request();
  req.environment.push_back(R"(QUARRY_PLUGINS_EXTRA_DIRS=["/opt/p,1", 'lit'])");
  EXPECT_EQ(Config::load(req).settings().plugins.extra_dirs,
            (std::vector<fs::path>{"/opt/p,1", base() / "lit"}));
}

TEST_F(ConfigValues, EmptyEnvironmentListClearsOptionalList) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_PLUGINS_DIRS=[]");
  EXPECT_TRUE(Config::load(req).settings().plugins.dirs.empty());
}

TEST_F(ConfigValues, BooleansAcceptCommonWords) {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                                {"FALSE", false},
                                                                                {"1", true},
                                                                                {"0", false},
                                                                                {"yes", true},
                                                                                {"no", false},
                                                                                {"On", true},
                                                                                {"off", false}}) {
    LoadRequest req = request();
    req.environment.push_back("QUARRY_PLUGINS_WATCH=" + text);
    EXPECT_EQ(Config::load(req).settings().plugins.watch, expected) << text;
  }
}

TEST_F(ConfigValues, IntegersAcceptSurroundingSpaceAndRangeBounds) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_MEMORY_BUDGET_MB= 8 ");
  req.environment.push_back("QUARRY_LIMITS_CALL_TIMEOUT_S=0");
  req.environment.push_back("QUARRY_LIMITS_MAX_CONCURRENT_CALLS=256");
  const Config config = Config::load(req);
  EXPECT_EQ(config.settings().memory.budget_mb, 8U);
  EXPECT_EQ(config.settings().limits.call_timeout_s, 0U);
  EXPECT_EQ(config.settings().limits.max_concurrent_calls, 256U);
}

TEST_F(ConfigValues, EnvironmentVariablesOfOtherToolsAreIgnored) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_CONFIG=");
  req.environment.push_back("QUARRY_FROBNICATE_LEVEL=9");
  req.environment.push_back("QUARRY_TOKEN=x");
  req.environment.push_back("NOT_QUARRY_LOG_LEVEL=nonsense");
  EXPECT_NO_THROW((void)Config::load(req));
}

TEST_F(ConfigValues, FirstEnvironmentEntryOfANameWins) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_LOG_LEVEL=error");
  req.environment.push_back("QUARRY_LOG_LEVEL=trace");
  EXPECT_EQ(Config::load(req).settings().log.level, LogLevel::kError);
}

// ---------------------------------------------------------------------------------------
// Finding the config file

TEST_F(ConfigSearch, SearchFindsQuarryTomlInBaseDir) {
  dir_.write("work/quarry.toml", "[results]\nmax_rows = 7\n");
  const Config config = Config::load(request());
  EXPECT_EQ(config.settings().results.max_rows, 7U);
  EXPECT_EQ(config.file(), base() / "quarry.toml");
}

TEST_F(ConfigSearch, SearchUsesQuarryConfigVariableFirst) {
  dir_.write("work/quarry.toml", "[results]\nmax_rows = 7\n");
  dir_.write("named.toml", "[results]\nmax_rows = 9\n");
  LoadRequest req = request();
  req.environment.push_back("QUARRY_CONFIG=../named.toml");
  EXPECT_EQ(Config::load(req).settings().results.max_rows, 9U);
}

TEST_F(ConfigSearch, SearchUsesXdgConfigHome) {
  dir_.write("xdg/quarry/quarry.toml", "[results]\nmax_rows = 11\n");
  dir_.write("home/.config/quarry/quarry.toml", "[results]\nmax_rows = 12\n");
  LoadRequest req = request();
  req.environment.push_back("XDG_CONFIG_HOME=" + (dir_.path() / "xdg").string());
  EXPECT_EQ(Config::load(req).settings().results.max_rows, 11U);
}

TEST_F(ConfigSearch, SearchFallsBackToHomeConfigDir) {
  dir_.write("home/.config/quarry/quarry.toml", "[results]\nmax_rows = 12\n");
  EXPECT_EQ(Config::load(request()).settings().results.max_rows, 12U);
}

TEST_F(ConfigSearch, ExplicitFileTakesPrecedenceOverSearch) {
  dir_.write("work/quarry.toml", "[results]\nmax_rows = 7\n");
  LoadRequest req = with_file("[results]\nmax_rows = 3\n");
  req.environment.push_back("QUARRY_CONFIG=/nonexistent/quarry.toml");
  EXPECT_EQ(Config::load(req).settings().results.max_rows, 3U);
}

// ---------------------------------------------------------------------------------------
// Errors

TEST_F(ConfigErrors, UnknownKeyInFileSuggestsClosestKey) {
  const std::string message = error_of(with_file("[log]\n\nlevle = \"debug\"\n"));
  EXPECT_TRUE(contains(message, dir_.path().string() + "/etc/quarry.toml:3"));
  EXPECT_TRUE(contains(message, "unknown key log.levle = \"debug\""));
  EXPECT_TRUE(contains(message, "Did you mean log.level?"));
}

TEST_F(ConfigErrors, UnknownKeyWithoutNearMatchListsSectionKeys) {
  const std::string message = error_of(with_file("[log]\ncolour = true\n"));
  EXPECT_TRUE(contains(message, "unknown key log.colour = true"));
  EXPECT_TRUE(contains(message, "Known keys in [log]: file, level"));
}

TEST_F(ConfigErrors, UnknownSectionInFileIsAnError) {
  const std::string message = error_of(with_file("[logs]\nlevel = \"debug\"\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:2"));
  EXPECT_TRUE(contains(message, "unknown section [logs] in logs.level = \"debug\""));
  EXPECT_TRUE(contains(message, "Did you mean log.level?"));
}

TEST_F(ConfigErrors, EmptyUnknownSectionInFileIsAnError) {
  const std::string message = error_of(with_file("\n[memroy]\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:2"));
  EXPECT_TRUE(contains(message, "unknown section [memroy]"));
  EXPECT_TRUE(contains(message, "Did you mean [memory]?"));
}

TEST_F(ConfigErrors, KeyOutsideAnySectionIsAnError) {
  const std::string message = error_of(with_file("budget_mb = 64\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:1"));
  EXPECT_TRUE(contains(message, "budget_mb = 64 is outside any section"));
  EXPECT_TRUE(contains(message, "memory.budget_mb"));
}

TEST_F(ConfigErrors, UnknownKeyInEnvironmentSuggestsVariable) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_LOG_LEVLE=debug");
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "env QUARRY_LOG_LEVLE"));
  EXPECT_TRUE(contains(message, "log.levle = \"debug\""));
  EXPECT_TRUE(contains(message, "Did you mean log.level (QUARRY_LOG_LEVEL)?"));
  EXPECT_TRUE(contains(message, "unset the environment variable QUARRY_LOG_LEVLE."));
}

TEST_F(ConfigErrors, UnknownKeyOnCommandLineNamesFlag) {
  LoadRequest req = request();
  req.overrides.push_back({"memory.budget", "64", "--set memory.budget=64"});
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "flag --set memory.budget=64"));
  EXPECT_TRUE(contains(message, "unknown key memory.budget = \"64\""));
  EXPECT_TRUE(contains(message, "Did you mean memory.budget_mb?"));
}

TEST_F(ConfigErrors, UnknownSectionOnCommandLineIsAnError) {
  LoadRequest req = request();
  req.overrides.push_back({"cahce.dir", "/x", "--set cahce.dir=/x"});
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "flag --set cahce.dir=/x"));
  EXPECT_TRUE(contains(message, "unknown section [cahce] in cahce.dir = \"/x\""));
  EXPECT_TRUE(contains(message, "Known sections: cache, data, exec, limits, log"));
}

TEST_F(ConfigErrors, UnknownKeyOfAKnownSectionListsItsKeys) {
  LoadRequest req = request();
  req.overrides.push_back({"cache.dir", "/x", "--set cache.dir=/x"});
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "unknown key cache.dir"));
  EXPECT_TRUE(contains(message, "Known keys in [cache]: columns_dir, columns_max_mb"));
}

TEST_F(ConfigErrors, WrongTypeInFileNamesExpectedType) {
  const std::string message = error_of(with_file("[memory]\nbudget_mb = \"512\"\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:2"));
  EXPECT_TRUE(contains(message, "memory.budget_mb = \"512\" has the wrong type"));
  EXPECT_TRUE(contains(message, "expected an integer, got a string"));
}

TEST_F(ConfigErrors, WrongTypeForPathListNamesExpectedType) {
  const std::string message = error_of(with_file("[data]\nroots = \"/srv\"\n"));
  EXPECT_TRUE(contains(message, "data.roots = \"/srv\" has the wrong type"));
  EXPECT_TRUE(contains(message, "expected an array of strings (paths), got a string"));
}

TEST_F(ConfigErrors, WrongArrayElementReportsItsOwnLine) {
  const std::string message = error_of(with_file("[data]\nroots = [\n  \"/a\",\n  42,\n]\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:4"));
  EXPECT_TRUE(contains(message, "element 2 is an integer"));
}

TEST_F(ConfigErrors, OutOfRangeInFileGivesAllowedRange) {
  const std::string message = error_of(with_file("[memory]\nbudget_mb = 4\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:2"));
  EXPECT_TRUE(contains(message, "memory.budget_mb = 4 is out of range"));
  EXPECT_TRUE(contains(message, "Use a value from 8 to 1048576."));
}

TEST_F(ConfigErrors, NegativeIntegerInFileIsOutOfRange) {
  const std::string message = error_of(with_file("[limits]\nmax_rows = -1\n"));
  EXPECT_TRUE(contains(message, "limits.max_rows = -1 is out of range"));
  EXPECT_TRUE(contains(message, "Use a value of at least 1."));
}

TEST_F(ConfigErrors, OutOfRangeInEnvironmentNamesVariable) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_LIMITS_MAX_CONCURRENT_CALLS=257");
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "env QUARRY_LIMITS_MAX_CONCURRENT_CALLS"));
  EXPECT_TRUE(contains(message, "limits.max_concurrent_calls = \"257\" is out of range"));
  EXPECT_TRUE(contains(message, "from 1 to 256"));
}

TEST_F(ConfigErrors, JunkNegativeAndOverflowingIntegersAreRejected) {
  for (const std::string text : {"12x", "-5", "0x10", "", "1e3", "99999999999999999999999"}) {
    LoadRequest req = request();
    req.environment.push_back("QUARRY_RESULTS_MAX_BYTES=" + text);
    const std::string message = error_of(req);
    EXPECT_TRUE(contains(message, "results.max_bytes = \"" + text + "\"")) << text;
    EXPECT_TRUE(contains(message, "from 1024 to 1000000000")) << text;
  }
}

TEST_F(ConfigErrors, InvalidBooleanIsRejected) {
  LoadRequest req = request();
  req.overrides.push_back({"plugins.watch", "maybe", "--set plugins.watch=maybe"});
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "flag --set plugins.watch=maybe"));
  EXPECT_TRUE(contains(message, "plugins.watch = \"maybe\" is not a boolean"));
  EXPECT_TRUE(contains(message, "Fix or drop the flag --set plugins.watch=maybe."));
}

TEST_F(ConfigErrors, UnknownLogLevelListsAllowedLevels) {
  const std::string message = error_of(with_file("[log]\nlevel = \"verbose\"\n"));
  EXPECT_TRUE(contains(message, "quarry.toml:2"));
  EXPECT_TRUE(contains(message, "log.level = \"verbose\" is not a log level"));
  EXPECT_TRUE(contains(message, "trace, debug, info, warn, error, off"));
}

TEST_F(ConfigErrors, EmptyDataRootsAreRejected) {
  const std::string message = error_of(with_file("[data]\nroots = []\n"));
  EXPECT_TRUE(contains(message, "data.roots = [] is empty"));
  LoadRequest req = request();
  req.environment.push_back("QUARRY_DATA_ROOTS=");
  EXPECT_TRUE(contains(error_of(req), "env QUARRY_DATA_ROOTS: data.roots = \"\" is empty"));
}

TEST_F(ConfigErrors, MalformedArrayInEnvironmentIsRejected) {
  LoadRequest req = request();
  req.environment.push_back(R"(QUARRY_DATA_ROOTS=["a", 3])");
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "env QUARRY_DATA_ROOTS"));
  EXPECT_TRUE(contains(message, "element 2 is not a string"));
}

TEST_F(ConfigErrors, TildeWithoutHomeIsAnError) {
  LoadRequest req = request();
  req.environment = {"HOME="};
  req.overrides.push_back({"output.root", "~/x", "--set output.root=~/x"});
  if (std::getenv("HOME") != nullptr && *std::getenv("HOME") != '\0') {
    EXPECT_NO_THROW((void)Config::load(req));  // falls back to the process HOME
  } else {
    EXPECT_TRUE(contains(error_of(req), "HOME is not set"));
  }
}

TEST_F(ConfigErrors, SyntaxErrorReportsLineAndColumn) {
  const std::string message = error_of(with_file("[log]\nlevel = \"debug\n"));
  EXPECT_TRUE(contains(message, dir_.path().string() + "/etc/quarry.toml:2:"));
  EXPECT_TRUE(contains(message, "TOML syntax error"));
}

TEST_F(ConfigErrors, MissingExplicitFileIsAnError) {
  LoadRequest req = request();
  req.config_file = "missing.toml";
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, (base() / "missing.toml").string()));
  EXPECT_TRUE(contains(message, "(named by --config) does not exist"));
}

TEST_F(ConfigErrors, MissingFileNamedByQuarryConfigIsAnError) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_CONFIG=/nonexistent/q.toml");
  const std::string message = error_of(req);
  EXPECT_TRUE(contains(message, "/nonexistent/q.toml (named by env QUARRY_CONFIG)"));
  EXPECT_TRUE(contains(message, "unset the environment variable QUARRY_CONFIG"));
}

TEST_F(ConfigErrors, DirectoryAsConfigFileIsAnError) {
  LoadRequest req = request();
  req.config_file = dir_.path();
  EXPECT_TRUE(contains(error_of(req), "is a directory"));
}

TEST_F(ConfigErrors, UnreadableConfigFileIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  LoadRequest req = with_file("[log]\n", "locked.toml");
  fs::permissions(req.config_file, fs::perms::none);
  EXPECT_TRUE(contains(error_of(req), "cannot be read"));
}

TEST_F(ConfigErrors, ErrorMessagesEndWithWhatToDo) {
  EXPECT_TRUE(ends_with(error_of(with_file("[memory]\nbudget_mb = 4\n")),
                        "Fix or remove it in " + (dir_.path() / "etc/quarry.toml").string() + "."));
}

// ---------------------------------------------------------------------------------------
// show()

TEST_F(ConfigShow, ShowListsEveryKeySortedWithDocs) {
  const std::vector<ShownValue> values = Config::load(request()).show();
  std::vector<std::string> keys;
  for (const ShownValue& value : values) {
    keys.push_back(value.key);
    EXPECT_FALSE(value.doc.empty()) << value.key;
    EXPECT_FALSE(value.value.empty()) << value.key;
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"cache.columns_dir",
                                            "cache.columns_max_mb",
                                            "data.roots",
                                            "exec.sample_types_min_mb",
                                            "exec.threads",
                                            "limits.call_timeout_s",
                                            "limits.max_cell_bytes",
                                            "limits.max_columns",
                                            "limits.max_concurrent_calls",
                                            "limits.max_file_mb",
                                            "limits.max_rows",
                                            "log.file",
                                            "log.level",
                                            "mcp.list_ttl_ms",
                                            "mcp.page_size",
                                            "memory.budget_mb",
                                            "memory.chunk_kb",
                                            "output.root",
                                            "plugins.cache_dir",
                                            "plugins.dirs",
                                            "plugins.extra_dirs",
                                            "plugins.probe_timeout_ms",
                                            "plugins.watch",
                                            "results.keep_files",
                                            "results.keep_mb",
                                            "results.max_bytes",
                                            "results.max_rows"}));
}

TEST_F(ConfigShow, ShowRendersValuesTomlLike) {
  LoadRequest req = request();
  req.environment.push_back("QUARRY_DATA_ROOTS=/a,/b\"q");
  const Config config = Config::load(req);
  EXPECT_EQ(shown(config, "data.roots").value, R"(["/a", "/b\"q"])");
  EXPECT_EQ(shown(config, "plugins.extra_dirs").value, "[]");
  EXPECT_EQ(shown(config, "log.level").value, "\"info\"");
  EXPECT_EQ(shown(config, "log.file").value, "\"\"");
  EXPECT_EQ(shown(config, "plugins.watch").value, "true");
  EXPECT_EQ(shown(config, "memory.budget_mb").value, "256");
  EXPECT_EQ(shown(config, "output.root").value, "\"" + (base() / "quarry-out").string() + "\"");
}

TEST(ConfigFromSettings, ReportsDefaultOrigins) {
  Settings settings;
  settings.memory.budget_mb = 99;
  const Config config = Config::from_settings(settings);
  EXPECT_EQ(config.settings().memory.budget_mb, 99U);
  const std::vector<ShownValue> values = config.show();
  EXPECT_EQ(values.size(), 27U);
  for (const ShownValue& value : values) EXPECT_EQ(value.origin.kind, Origin::Kind::kDefault);
}

// ---------------------------------------------------------------------------------------
// The shipped config/quarry.toml

TEST_F(ShippedConfig, ShippedConfigSetsEveryKeyToItsDefault) {
  const fs::path shipped = fs::path(QUARRY_TEST_SOURCE_DIR) / "../config/quarry.toml";
  ASSERT_TRUE(fs::exists(shipped)) << shipped;
  // Copy it into the base directory under another name, so that relative paths in it
  // ("." and "./quarry-out") resolve where the defaults do, and the default search
  // finds nothing for the reference load.
  fs::copy_file(shipped, base() / "shipped.toml");
  LoadRequest req = request();
  req.config_file = base() / "shipped.toml";
  const std::vector<ShownValue> from_file = Config::load(req).show();
  const std::vector<ShownValue> defaults = Config::load(request()).show();
  ASSERT_EQ(from_file.size(), defaults.size());
  for (std::size_t i = 0; i < defaults.size(); ++i) {
    EXPECT_EQ(from_file[i].key, defaults[i].key);
    EXPECT_EQ(from_file[i].value, defaults[i].value) << defaults[i].key;
    EXPECT_EQ(from_file[i].origin.kind, Origin::Kind::kFile)
        << defaults[i].key << " is missing from config/quarry.toml";
  }
}

// ---------------------------------------------------------------------------------------
// Log levels

TEST(LogLevelParse, AcceptsEveryNameAndAlias) {
  EXPECT_EQ(parse_log_level("trace"), LogLevel::kTrace);
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_EQ(parse_log_level("off"), LogLevel::kOff);
  EXPECT_EQ(parse_log_level("DEBUG"), LogLevel::kDebug);
}

TEST(LogLevelParse, RejectsUnknownNames) {
  EXPECT_EQ(parse_log_level("verbose"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
  EXPECT_EQ(parse_log_level(" info"), std::nullopt);
}

TEST(LogLevelParse, ToStringRoundTrips) {
  for (const LogLevel level : {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn,
                               LogLevel::kError, LogLevel::kOff}) {
    EXPECT_EQ(parse_log_level(to_string(level)), level);
  }
}

}  // namespace
}  // namespace quarry::config
