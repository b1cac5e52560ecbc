#include "mcp_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace quarry::testing {

namespace {
std::filesystem::path unique_temp_path(const std::string& stem) {
  std::random_device random;
  return std::filesystem::temp_directory_path() /
         (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(random()));
}
}  // namespace

McpProcess::McpProcess(std::vector<std::string> args, std::vector<std::string> env) {
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  stderr_path_ = unique_temp_path("quarry-test-stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> argv_storage = {QUARRY_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = {"PATH=/usr/bin:/bin"};
  if (const char* home = std::getenv("HOME")) env_storage.push_back(std::string("HOME=") + home);
  // Sanitizer settings reach the server, so a sanitized run checks it the same way.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name))
      env_storage.push_back(std::string(name) + "=" + value);
  }
  env_storage.insert(env_storage.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const int rc = posix_spawn(&pid_, QUARRY_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) throw std::runtime_error("cannot spawn " + std::string(QUARRY_BINARY));
  stdin_fd_ = in_pipe[1];
  stdout_fd_ = out_pipe[0];
}

McpProcess::~McpProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (!exit_status_ && pid_ > 0) {
    if (!wait_exit(3s)) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  std::error_code ignored;
  std::filesystem::remove(stderr_path_, ignored);
}

void McpProcess::send_line(const std::string& line) {
  const std::string data = line + "\n";
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(stdin_fd_, data.data() + written, data.size() - written);
    if (n <= 0) throw std::runtime_error("write to quarry stdin failed");
    written += static_cast<std::size_t>(n);
  }
}

int McpProcess::request_async(const std::string& method, nlohmann::json params) {
  const int id = next_id_++;
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

nlohmann::json McpProcess::request(const std::string& method, nlohmann::json params,
                                   std::chrono::milliseconds timeout) {
  return wait_response(request_async(method, std::move(params)), timeout);
}

nlohmann::json McpProcess::wait_response(const nlohmann::json& id,
                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->contains("id") && (*it)["id"] == id && !it->contains("method")) {
      auto found = *it;
      pending_.erase(it);
      return found;
    }
  }
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!read_more(left)) break;
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->contains("id") && (*it)["id"] == id && !it->contains("method")) {
        auto found = *it;
        pending_.erase(it);
        return found;
      }
    }
  }
  throw std::runtime_error("no response for id " + id.dump() + "; stderr:\n" + stderr_text());
}

std::optional<nlohmann::json> McpProcess::read_message(std::chrono::milliseconds timeout) {
  if (pending_.empty() && !read_more(timeout)) return std::nullopt;
  if (pending_.empty()) return std::nullopt;
  auto message = pending_.front();
  pending_.pop_front();
  return message;
}

bool McpProcess::read_more(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      const std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      try {
        auto message = nlohmann::json::parse(line);
        if (message.is_object() && message.contains("method") && !message.contains("id")) {
          notifications_.push_back(message);
        }
        pending_.push_back(std::move(message));
        return true;
      } catch (const nlohmann::json::parse_error&) {
        garbage_.push_back(line);
        continue;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

nlohmann::json McpProcess::initialize(const std::string& version) {
  auto response =
      request("initialize", {{"protocolVersion", version},
                             {"capabilities", nlohmann::json::object()},
                             {"clientInfo", {{"name", "quarry-tests"}, {"version", "1"}}}});
  send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return response;
}

std::vector<nlohmann::json> McpProcess::take_notifications(const std::string& method) {
  std::vector<nlohmann::json> taken;
  std::vector<nlohmann::json> kept;
  for (auto& n : notifications_) (n["method"] == method ? taken : kept).push_back(std::move(n));
  notifications_ = std::move(kept);
  std::erase_if(pending_, [&](const nlohmann::json& m) {
    return m.contains("method") && !m.contains("id") && m["method"] == method;
  });
  return taken;
}

void McpProcess::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

void McpProcess::signal(int signal_number) {
  kill(pid_, signal_number);
}

std::optional<int> McpProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    usleep(10'000);
  }
  return std::nullopt;
}

std::string McpProcess::stderr_text() const {
  std::ifstream file(stderr_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TempDir::TempDir() : path_(unique_temp_path("quarry-test")) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<McpProcess> serve_with_plugins(const std::filesystem::path& plugin_dir,
                                               const std::filesystem::path& data,
                                               const std::filesystem::path& out,
                                               const std::filesystem::path& home,
                                               const std::vector<std::string>& settings) {
  std::vector<std::string> args = {
      "serve",       "--plugin-dir", plugin_dir.string(),
      "--data-root", data.string(),  "--output-root",
      out.string(),  "--set",        "plugins.cache_dir=" + (home / "cache").string(),
      "--log-level", "warn"};
  for (const std::string& setting : settings) {
    args.push_back("--set");
    args.push_back(setting);
  }
  auto server = std::make_unique<McpProcess>(std::move(args));
  server->initialize();
  return server;
}

}  // namespace quarry::testing
