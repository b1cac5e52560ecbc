#include "quarry/registry/watcher.hpp"

#include "quarry/posix/unique_fd.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace quarry::registry {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kWatchMask =
    IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB;

//! Longest a burst of events may postpone the callback.
constexpr auto kMaxDelay = std::chrono::seconds(2);

bool is_relevant(const inotify_event& event) {
  if (event.mask & IN_Q_OVERFLOW) return true;  // events were lost: rescan to be safe
  if (event.len == 0) return false;
  const std::string_view name(event.name);
  return name.size() > 3 && name.ends_with(".so");
}

//! Reads every pending event; true when one concerns a plugin file.
bool drain_events(int fd) {
  alignas(inotify_event) char buffer[16 * 1024];
  bool relevant = false;
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return relevant;  // EAGAIN: drained
    for (ssize_t offset = 0; offset < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
      relevant = relevant || is_relevant(*event);
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

}  // namespace

class PluginWatcher::Impl {
 public:
  Impl(std::vector<fs::path> dirs, std::function<void()> on_change,
       std::chrono::milliseconds debounce);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  [[nodiscard]] const std::vector<fs::path>& watched() const { return watched_; }

 private:
  void add_watches(const std::vector<fs::path>& dirs);
  void run();
  void fire();

  std::function<void()> on_change_;
  std::chrono::milliseconds debounce_;
  posix::UniqueFd inotify_;
  posix::UniqueFd stop_;
  std::vector<fs::path> watched_;
  std::jthread thread_;  // last: started after, and joined before, everything above
};

PluginWatcher::Impl::Impl(std::vector<fs::path> dirs, std::function<void()> on_change,
                          std::chrono::milliseconds debounce)
    : on_change_(std::move(on_change)), debounce_(debounce) {
  inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  stop_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!inotify_ || !stop_) {
    spdlog::warn("cannot watch plugin directories: {}", std::strerror(errno));
    return;
  }
  add_watches(dirs);
  if (!watched_.empty()) thread_ = std::jthread([this] { run(); });
}

PluginWatcher::Impl::~Impl() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  if (::write(stop_.get(), &one, sizeof one) < 0) spdlog::debug("watcher stop: {}", errno);
  thread_.join();
}

void PluginWatcher::Impl::add_watches(const std::vector<fs::path>& dirs) {
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    if (::inotify_add_watch(inotify_.get(), dir.c_str(), kWatchMask) < 0) {
      spdlog::warn("cannot watch plugin directory {}: {}", dir.string(), std::strerror(errno));
      continue;
    }
    watched_.push_back(dir);
  }
}

void PluginWatcher::Impl::run() {
  std::optional<Clock::time_point> first, due;
  for (;;) {
    pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    int timeout = -1;
    if (due) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - Clock::now());
      timeout = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
    }
    const int ready = ::poll(fds, 2, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN)) return;
    if ((fds[0].revents & POLLIN) && drain_events(inotify_.get())) {
      const auto now = Clock::now();
      if (!first) first = now;
      due = std::min(now + debounce_, *first + kMaxDelay);
    }
    if (due && Clock::now() >= *due) {
      first.reset();
      due.reset();
      fire();
    }
  }
}

void PluginWatcher::Impl::fire() {
  try {
    on_change_();
  } catch (const std::exception& e) {
    spdlog::warn("rescanning plugin directories failed: {}", e.what());
  } catch (...) {
    spdlog::warn("rescanning plugin directories failed");
  }
}

PluginWatcher::PluginWatcher(std::vector<fs::path> dirs, std::function<void()> on_change,
                             std::chrono::milliseconds debounce)
    : impl_(std::make_unique<Impl>(std::move(dirs), std::move(on_change), debounce)) {}

PluginWatcher::~PluginWatcher() = default;

const std::vector<fs::path>& PluginWatcher::watched() const {
  return impl_->watched();
}

}  // namespace quarry::registry
