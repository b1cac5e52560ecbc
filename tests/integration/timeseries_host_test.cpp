// The timeseries plugin through the real binary (`quarry call`): results must not depend on
// how the host cuts the file into chunks or how many threads it runs. Each tool runs with
// 1 KiB chunks on one thread, 1 KiB chunks on all threads, 3 KiB chunks on two threads and the
// defaults; ts_rolling writes its rows with `output: {path}` under a temporary output root and
// the files must be identical byte for byte; ts_acf, ts_resample and ts_forecast return the
// same structured result (and ts_rolling the same finish() report).

#include "mcp_process.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";
const std::string kFixtures = QUARRY_TEST_SOURCE_DIR "/unit/plugins/timeseries/fixtures";

//! The host settings compared: chunk size and thread count ("" = defaults).
const std::vector<std::string> kSettings = {
    "--set memory.chunk_kb=1 --set exec.threads=1",
    "--set memory.chunk_kb=1 --set exec.threads=0",
    "--set memory.chunk_kb=3 --set exec.threads=2",
    "",
};

class TimeseriesHost : public ::testing::Test {
 protected:
  //! Runs `quarry call tool --args args` with `settings`; returns the parsed result.
  json call(const std::string& tool, const json& args, const std::string& settings) {
    const fs::path args_file = work_.path() / "args.json";
    std::ofstream(args_file) << args.dump();
    const std::string command =
        "HOME='" + home_.path().string() + "' '" QUARRY_BINARY "' " + settings + " --plugin-dir '" +
        kPlugins + "' --data-root '" + kFixtures + "' --output-root '" + out_.path().string() +
        "' --log-level off call " + tool + " --args \"$(cat '" + args_file.string() + "')\" 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command << "\n" << text;
    const json result = json::parse(text, nullptr, false);
    EXPECT_FALSE(result.is_discarded()) << text;
    EXPECT_FALSE(result.value("isError", false)) << text;
    return result;
  }

  //! The bytes of `name` under the output root.
  std::string output(const std::string& name) {
    std::ifstream in(out_.path() / name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  //! Calls `tool` under every setting and expects the same structured result.
  void expect_same(const std::string& tool, json args) {
    args["path"] = kFixtures + "/" + args["path"].get<std::string>();
    json first;
    for (const std::string& settings : kSettings) {
      SCOPED_TRACE(tool + " " + settings);
      json data = call(tool, args, settings).value("structuredContent", json());
      ASSERT_TRUE(data.is_object());
      if (data.contains("full_result")) {
        // A result over the host's size limit is stored in a file the result names (a
        // different file per call): compare the stored results instead.
        std::ifstream in(data["full_result"].get<std::string>());
        const json full = json::parse(in, nullptr, false);
        ASSERT_FALSE(full.is_discarded()) << data["full_result"];
        data["full_result"] = full;
      }
      if (first.is_null()) {
        first = data;
      } else {
        EXPECT_EQ(data, first);
      }
    }
  }

  TempDir home_, out_, work_;
};

TEST_F(TimeseriesHost, RollingFilesAreIdenticalWhateverChunksAndThreads) {
  struct Case {
    json args;
    std::string file;
  };
  const std::vector<Case> cases = {
      {{{"path", kFixtures + "/ts_fixture.csv"},
        {"column", "value"},
        {"window", 24},
        {"statistics", {"mean", "std", "median", "min", "max"}}},
       "rows.csv"},
      {{{"path", kFixtures + "/ts_fixture.csv"}, {"column", "walk"}, {"ewm", {{"span", 12}}}},
       "ewm.jsonl"},
      {{{"path", kFixtures + "/ts_events.csv"},
        {"column", "value"},
        {"time_column", "time"},
        {"window", "5min"},
        {"statistics", {"mean", "sum", "median"}}},
       "time.csv"},
  };
  for (const Case& c : cases) {
    std::string first_file;
    json first_report;
    for (std::size_t i = 0; i < kSettings.size(); ++i) {
      SCOPED_TRACE(c.file + " " + kSettings[i]);
      const std::string name = std::to_string(i) + "_" + c.file;
      json args = c.args;
      args["output"] = {{"path", name}};
      const json result = call("ts_rolling", args, kSettings[i]);
      const json data = result.value("structuredContent", json());
      ASSERT_TRUE(data.contains("output")) << result.dump();
      EXPECT_EQ(data["output"]["rows"], data["rows"]);
      const std::string bytes = output(name);
      ASSERT_GT(bytes.size(), 1000U);
      json report = data;
      report.erase("output");  // names the file, which differs per run
      if (i == 0) {
        first_file = bytes;
        first_report = report;
      } else {
        EXPECT_TRUE(bytes == first_file) << name << " differs from 0_" << c.file;
        EXPECT_EQ(report, first_report);
      }
    }
  }
}

TEST_F(TimeseriesHost, AcfIsIdenticalWhateverChunksAndThreads) {
  expect_same("ts_acf", {{"path", "ts_fixture.csv"}, {"column", "walk"}, {"nlags", 40}});
  expect_same("ts_acf", {{"path", "ts_fixture.csv"}, {"column", "value"}, {"nlags", 30}});
}

TEST_F(TimeseriesHost, ResampleIsIdenticalWhateverChunksAndThreads) {
  expect_same("ts_resample",
              {{"path", "ts_events.csv"},
               {"columns", {"value"}},
               {"time_column", "time"},
               {"frequency", "15min"},
               {"aggregations", {"mean", "sum", "count", "first", "last", "std", "ohlc"}}});
  expect_same("ts_resample", {{"path", "ts_events.csv"},
                              {"columns", {"value"}},
                              {"time_column", "time"},
                              {"group_column", "sensor"},
                              {"frequency", "1h"}});
}

TEST_F(TimeseriesHost, AnalysesAreIdenticalWhateverChunksAndThreads) {
  expect_same("ts_forecast", {{"path", "ts_fixture.csv"},
                              {"column", "pos"},
                              {"trend", "add"},
                              {"seasonal", "mul"},
                              {"seasonal_periods", 24}});
  expect_same("ts_anomalies",
              {{"path", "ts_spikes.csv"}, {"column", "y"}, {"time_column", "time"}});
}

}  // namespace
}  // namespace quarry::testing
