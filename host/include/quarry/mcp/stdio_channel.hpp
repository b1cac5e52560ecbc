#pragma once
//! \file
//! The stdio transport: newline-delimited JSON-RPC on two file descriptors.

#include "quarry/mcp/session.hpp"

#include <cstddef>
#include <mutex>
#include <string>

namespace quarry::mcp {

//! Reads lines from one fd and writes whole messages, one per line, to another.
//! `send` is thread-safe; `read_line` is for one reader thread.
class StdioChannel final : public MessageSink {
 public:
  //! Longest accepted input line; longer ones are skipped with a parse error.
  static constexpr std::size_t kMaxLineBytes = 256u << 20;

  //! Uses `in_fd` and `out_fd` (not owned).
  StdioChannel(int in_fd, int out_fd);
  ~StdioChannel() override;
  StdioChannel(const StdioChannel&) = delete;
  StdioChannel& operator=(const StdioChannel&) = delete;

  //! Keeps the real stdout for MCP and points fd 1 at stderr, so that anything
  //! else printing to stdout (a plugin's printf) lands on stderr instead of
  //! corrupting the stream. Returns the new fd of the real stdout.
  static int take_over_stdout();

  void send(const nlohmann::json& message) override;

  enum class ReadStatus { kLine, kEndOfFile, kStopped, kTooLong };
  //! Blocks for the next line (without its newline).
  ReadStatus read_line(std::string& line);
  //! Makes `bytes` the next input, ahead of anything still unread on the fd (the messages a
  //! previous process read from the same stream but left to this one).
  void unread(std::string_view bytes);
  //! Makes a blocked or later `read_line` return kStopped. Async-signal-safe.
  void stop() const;

 private:
  bool fill_buffer();

  int in_fd_;
  int out_fd_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::mutex write_mutex_;
  std::string buffer_;
  std::size_t scan_from_ = 0;
  bool eof_ = false;
  bool stopped_ = false;
};

}  // namespace quarry::mcp
