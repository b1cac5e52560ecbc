#pragma once
// Terminal niceties for the CLI: detecting a terminal and drawing a progress bar.

#include "quarry/tools/tool.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::app {

//! True when `stream` is attached to a terminal.
[[nodiscard]] bool is_terminal(std::FILE* stream);

//! A one-line progress bar on stderr, redrawn at most every 100 ms; silent when
//! stderr is not a terminal.
class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  void update(double done, std::optional<double> total, std::string_view message);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_draw_{};
};

//! The CLI's view of a running call: a progress bar and client log lines on stderr.
class TerminalCallContext final : public tools::CallContext {
 public:
  bool cancelled() const override { return false; }
  void progress(double done, std::optional<double> total, std::string_view message) override {
    bar_.update(done, total, message);
  }
  void log(tools::MessageLevel level, const nlohmann::json& data, std::string_view logger) override;

 private:
  ProgressBar bar_;
};

//! Prints a tool result: readable text on a terminal, the full JSON when piped or forced.
void print_result(const tools::ToolResult& result, bool force_json);

}  // namespace quarry::app
