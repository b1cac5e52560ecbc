#include "quarry/mcp/stdio_channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace quarry::mcp {

StdioChannel::StdioChannel(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error(std::string("cannot create wake-up pipe: ") + std::strerror(errno));
  }
  wake_read_ = fds[0];
  wake_write_ = fds[1];
}

StdioChannel::~StdioChannel() {
  close(wake_read_);
  close(wake_write_);
}

int StdioChannel::take_over_stdout() {
  std::fflush(stdout);
  const int mcp_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (mcp_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    throw std::runtime_error(std::string("cannot redirect stdout: ") + std::strerror(errno));
  }
  return mcp_fd;
}

void StdioChannel::send(const nlohmann::json& message) {
  std::string line = to_line(message);
  line.push_back('\n');
  std::lock_guard lock(write_mutex_);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(out_fd_, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      // The client went away; nothing more can be delivered. Input EOF ends the session.
      spdlog::debug("cannot write to the client: {}", std::strerror(errno));
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

void StdioChannel::unread(std::string_view bytes) {
  buffer_.insert(0, bytes);
  scan_from_ = 0;
}

void StdioChannel::stop() const {
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(wake_write_, &byte, 1);
}

bool StdioChannel::fill_buffer() {
  pollfd fds[2] = {{in_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  while (true) {
    const int ready = poll(fds, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      eof_ = true;
      return false;
    }
    if (fds[1].revents != 0) {
      stopped_ = true;
      return false;
    }
    char chunk[64 * 1024];
    const ssize_t n = read(in_fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

StdioChannel::ReadStatus StdioChannel::read_line(std::string& line) {
  while (true) {
    if (stopped_) return ReadStatus::kStopped;
    const auto newline = buffer_.find('\n', scan_from_);
    if (newline != std::string::npos) {
      line.assign(buffer_, 0, newline);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      buffer_.erase(0, newline + 1);
      scan_from_ = 0;
      return ReadStatus::kLine;
    }
    scan_from_ = buffer_.size();
    if (buffer_.size() > kMaxLineBytes) {
      // Drop the oversized line up to its end, then report it once.
      while (fill_buffer()) {
        const auto end = buffer_.find('\n');
        if (end != std::string::npos) {
          buffer_.erase(0, end + 1);
          scan_from_ = 0;
          return ReadStatus::kTooLong;
        }
        buffer_.clear();
      }
      buffer_.clear();
      scan_from_ = 0;
      return stopped_ ? ReadStatus::kStopped : ReadStatus::kTooLong;
    }
    if (eof_) {
      if (buffer_.empty()) return ReadStatus::kEndOfFile;
      line = std::move(buffer_);  // a last message without a trailing newline
      buffer_.clear();
      scan_from_ = 0;
      return ReadStatus::kLine;
    }
    if (!fill_buffer() && stopped_) return ReadStatus::kStopped;
  }
}

}  // namespace quarry::mcp
