// `quarry call` from a script: a call that never reaches the tool (an unknown tool, --args that
// are not JSON or fail the tool's schema) exits with status 2, says why on stderr and, since
// the output is JSON when piped, puts an error result on stdout too, so that a script parsing
// stdout sees the reason instead of nothing.

#include "mcp_process.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;

struct CallRun {
  int status = -1;
  std::string out;
};

//! Runs `quarry call tool --args args`, stdout captured, stderr dropped.
CallRun call(const TempDir& home, const std::string& tool, const std::string& args) {
  const std::string command = "HOME='" + home.path().string() +
                              "' '" QUARRY_BINARY "' --plugin-dir '" QUARRY_TEST_BINARY_DIR
                              "/plugins' --log-level off call " +
                              tool + " --args '" + args + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  CallRun run;
  if (pipe == nullptr) return run;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

//! The text of the error result `out` holds ("" when it is none).
std::string error_text(const std::string& out) {
  const json result = json::parse(out, nullptr, false);
  if (result.is_discarded() || !result.value("isError", false)) return "";
  return result.at("content").at(0).value("text", "");
}

TEST(CallCommand, RefusedCallsPrintAnErrorResultOnStdout) {
  TempDir home;
  const CallRun unknown = call(home, "no_such_tool", "{}");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(error_text(unknown.out).find("unknown tool 'no_such_tool'"), std::string::npos)
      << unknown.out;

  const CallRun not_json = call(home, "stats_describe", "{path:");
  EXPECT_EQ(not_json.status, 2);
  EXPECT_NE(error_text(not_json.out).find("--args is not valid JSON"), std::string::npos)
      << not_json.out;

  const CallRun schema = call(home, "stats_describe", R"({"file": "x.csv"})");
  EXPECT_EQ(schema.status, 2);
  EXPECT_NE(error_text(schema.out).find("unknown argument 'file'"), std::string::npos)
      << schema.out;
  // The message points to the schema rather than printing its kilobytes after the reason.
  EXPECT_NE(error_text(schema.out).find("quarry tools --json"), std::string::npos) << schema.out;
  EXPECT_LT(error_text(schema.out).size(), 1000U) << schema.out;
}

}  // namespace
}  // namespace quarry::testing
