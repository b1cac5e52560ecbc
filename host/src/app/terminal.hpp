#pragma once
// Terminal niceties for the CLI: detecting a terminal and drawing a progress bar.

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

}  // namespace quarry::app
