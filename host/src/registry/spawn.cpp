#include "registry/detail/spawn.hpp"

#include "quarry/posix/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace quarry::registry::detail {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_error(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

//! Rounded up: poll takes whole milliseconds, and a rounded-down wait would end before the
//! deadline.
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1 << 30));
}

//! A pipe whose write end is never `avoid` (so dup2 to it clears close-on-exec).
std::pair<posix::UniqueFd, posix::UniqueFd> make_pipe(int avoid) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_error(errno, "cannot create a pipe");
  posix::UniqueFd read_end(fds[0]), write_end(fds[1]);
  if (write_end.get() == avoid) write_end.reset(::fcntl(fds[1], F_DUPFD_CLOEXEC, avoid + 1));
  if (!write_end) throw_error(errno, "cannot duplicate a pipe");
  return {std::move(read_end), std::move(write_end)};
}

//! posix_spawn file actions and attributes, destroyed together.
class SpawnSetup {
 public:
  SpawnSetup(int write_fd, int result_fd) {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions_, STDERR_FILENO, STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions_, write_fd, result_fd);
    ::posix_spawn_file_actions_addclosefrom_np(&actions_, result_fd + 1);
    ::posix_spawnattr_init(&attr_);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setsigmask(&attr_, &none);
    ::posix_spawnattr_setsigdefault(&attr_, &all);
    ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  pid_t spawn(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, args[0], &actions_, &attr_, args.data(), environ);
    if (rc != 0) throw_error(rc, "cannot start " + argv[0]);
    return pid;
  }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

//! Reads until EOF, the deadline or an error; sets `timed_out` on the deadline.
void read_output(int fd, Clock::time_point deadline, std::size_t max, ChildOutcome& out) {
  char buffer[16 * 1024];
  for (;;) {
    pollfd poll_fd{fd, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && Clock::now() < deadline) continue;  // woke a little early
    if (ready == 0) out.timed_out = true;
    if (ready <= 0) return;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;
    const auto keep = std::min(static_cast<std::size_t>(n), max - out.output.size());
    out.output.append(buffer, keep);
  }
}

//! Waits for the child to exit until the deadline; false when it is still running.
bool wait_until(pid_t pid, Clock::time_point deadline, int& status) {
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    if (done < 0 && errno != EINTR) return true;  // not ours to reap (SIGCHLD ignored)
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void kill_and_reap(pid_t pid, int& status) {
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

ChildOutcome run_child(const std::vector<std::string>& argv, int result_fd,
                       std::chrono::milliseconds timeout, std::size_t max_output) {
  const auto deadline = Clock::now() + timeout;
  auto [read_end, write_end] = make_pipe(result_fd);
  pid_t pid = 0;
  {
    SpawnSetup setup(write_end.get(), result_fd);
    pid = setup.spawn(argv);
  }
  write_end.reset();  // EOF arrives when the child closes its copy
  ChildOutcome outcome;
  read_output(read_end.get(), deadline, max_output, outcome);
  if (outcome.timed_out || !wait_until(pid, deadline, outcome.wait_status)) {
    outcome.timed_out = true;
    kill_and_reap(pid, outcome.wait_status);
  }
  return outcome;
}

}  // namespace quarry::registry::detail
