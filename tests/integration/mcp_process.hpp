#pragma once
// Test helper: runs the real `quarry` binary as a child process and speaks
// newline-delimited JSON-RPC with it over pipes, as an MCP client would.

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::testing {

using namespace std::chrono_literals;

//! A running `quarry` process with its stdin/stdout as the MCP stream.
class McpProcess {
 public:
  //! Starts QUARRY_BINARY with `args`; `env` entries (NAME=VALUE) are added to a minimal
  //! environment (PATH, HOME). stderr goes to a temporary log file.
  explicit McpProcess(std::vector<std::string> args, std::vector<std::string> env = {});
  ~McpProcess();
  McpProcess(const McpProcess&) = delete;
  McpProcess& operator=(const McpProcess&) = delete;

  //! Writes one line (a newline is appended).
  void send_line(const std::string& line);
  void send(const nlohmann::json& message) { send_line(message.dump()); }
  //! Sends a request with a fresh integer id and returns the id.
  int request_async(const std::string& method, nlohmann::json params = nlohmann::json::object());
  //! Sends a request and waits for its response; notifications seen meanwhile are kept.
  nlohmann::json request(const std::string& method,
                         nlohmann::json params = nlohmann::json::object(),
                         std::chrono::milliseconds timeout = 10s);
  //! Waits for the response with `id`.
  nlohmann::json wait_response(const nlohmann::json& id, std::chrono::milliseconds timeout = 10s);
  //! Next message from the server (buffered ones first), or nullopt on timeout/EOF.
  std::optional<nlohmann::json> read_message(std::chrono::milliseconds timeout);
  //! Initializes with `version` and sends notifications/initialized; returns the result.
  nlohmann::json initialize(const std::string& version = "2025-06-18");

  //! Every raw line read so far that is not valid JSON (should stay empty).
  const std::vector<std::string>& garbage() const { return garbage_; }
  //! Notifications received so far (in order), removed from the pending queue by `take`.
  std::vector<nlohmann::json> take_notifications(const std::string& method);

  void close_stdin();
  void signal(int signal_number);
  //! Waits for exit; returns the exit status (WEXITSTATUS) or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  //! The stderr log so far.
  std::string stderr_text() const;
  int pid() const { return pid_; }

 private:
  bool read_more(std::chrono::milliseconds timeout);

  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::filesystem::path stderr_path_;
  std::string buffer_;
  std::deque<nlohmann::json> pending_;
  std::vector<nlohmann::json> notifications_;
  std::vector<std::string> garbage_;
  int next_id_ = 1;
  std::optional<int> exit_status_;
};

//! `quarry serve` with the plugins of `plugin_dir`, reading under `data`, writing under `out`,
//! its registry cache under `home`, logging warnings only, with `settings` ("key=value", each
//! passed as --set); already initialised.
std::unique_ptr<McpProcess> serve_with_plugins(const std::filesystem::path& plugin_dir,
                                               const std::filesystem::path& data,
                                               const std::filesystem::path& out,
                                               const std::filesystem::path& home,
                                               const std::vector<std::string>& settings = {});

//! A fresh empty directory under the temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace quarry::testing
