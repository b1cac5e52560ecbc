#include "app/terminal.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace quarry::app {

bool is_terminal(std::FILE* stream) {
  return isatty(fileno(stream)) == 1;
}

ProgressBar::ProgressBar() : enabled_(is_terminal(stderr)) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

void ProgressBar::update(double done, std::optional<double> total, std::string_view message) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  std::string line;
  if (total && *total > 0) {
    const double fraction = std::clamp(done / *total, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * kWidth);
    line = fmt::format("[{}{}] {:5.1f}%", std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(kWidth - filled), '.'), fraction * 100);
  } else {
    line = fmt::format("[{:g} done]", done);
  }
  fmt::print(stderr, "\r\033[K{} {}", line, message);
  std::fflush(stderr);
}

void TerminalCallContext::log(tools::MessageLevel level, const nlohmann::json& data,
                              std::string_view logger) {
  spdlog::info("[{}{}{}] {}", tools::to_string(level), logger.empty() ? "" : " ", logger,
               data.is_string() ? data.get<std::string>() : data.dump());
}

}  // namespace quarry::app
