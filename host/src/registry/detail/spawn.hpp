#pragma once
// Private to the registry: running a child process with a result pipe and a deadline.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace quarry::registry::detail {

//! How a child ended and what it wrote to its result pipe.
struct ChildOutcome {
  std::string output;      //!< Bytes read from the result pipe (at most the limit given).
  bool timed_out = false;  //!< The deadline passed; the child was killed with SIGKILL.
  int wait_status = 0;     //!< As returned by waitpid.
};

//! Spawns `argv` (argv[0] is the executable path) with stdin on /dev/null, stdout on
//! stderr, the write end of a pipe on `result_fd` and every other descriptor above 2
//! closed. Reads the pipe until EOF and waits for the exit, both within `timeout`; a
//! child still running then is killed (SIGKILL) and reaped. Throws std::system_error
//! when the child cannot be started.
[[nodiscard]] ChildOutcome run_child(const std::vector<std::string>& argv, int result_fd,
                                     std::chrono::milliseconds timeout, std::size_t max_output);

}  // namespace quarry::registry::detail
