// quarry: the front of the Quarry host. Every command runs in the engine (quarry-engine);
// for `serve`, the front first answers the session's opening messages (initialize,
// tools/list) from the startup snapshot the engine recorded last time, if nothing it depends
// on has changed, and then becomes the engine (exec), handing over the session. It is linked
// fully statically, so a client lists tools within a few milliseconds.

#include "front/early_session.hpp"
#include "front/launch.hpp"
#include "quarry/startup/snapshot.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

//! A read-only mapping of a whole file (empty when it cannot be read): the snapshot's
//! answers are written to the client straight from the page cache.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
      void* data =
          mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (data != MAP_FAILED) {
        data_ = static_cast<const char*>(data);
        size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  [[nodiscard]] std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

std::string self_path() {
  char buffer[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

//! Identifies this build of the front: a new build must not replay an old one's answers.
std::string identity_of(const std::string& path) {
  const auto state = quarry::startup::PathState::of(path);
  return path + ':' + std::to_string(state.size) + ':' + std::to_string(state.mtime_ns) + ':' +
         std::to_string(state.inode);
}

std::string working_directory() {
  char buffer[PATH_MAX];
  return getcwd(buffer, sizeof buffer) != nullptr ? std::string(buffer) : std::string();
}

//! The snapshot in `file` if it was taken for `key` and nothing it depends on has changed.
std::optional<quarry::startup::SnapshotReader> usable_snapshot(const MappedFile& file,
                                                               const std::string& key) {
  auto snapshot = quarry::startup::SnapshotReader::open(file.text());
  if (!snapshot || snapshot->key() != key || !snapshot->inputs_unchanged()) return std::nullopt;
  return snapshot;
}

//! The handover in an anonymous in-memory file the engine inherits; -1 on failure.
int handover_file(const std::string& bytes) {
  const int fd = memfd_create("quarry-handover", 0);
  if (fd < 0) return -1;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  if (lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv, argv + argc);
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
    environment.emplace_back(*entry);
  const std::string self = self_path();
  const std::string engine = quarry::front::find_engine(self);
  if (!quarry::front::asks_to_serve(arguments))
    return quarry::front::exec_engine(engine, arguments, environment);

  const std::string directory = quarry::startup::snapshot_directory(environment);
  if (directory.empty()) return quarry::front::exec_engine(engine, arguments, environment);
  const std::string key =
      quarry::startup::launch_key(identity_of(self), arguments, working_directory(), environment);
  const std::string file = directory + '/' + key + ".snap";
  environment.push_back(std::string(quarry::startup::kSnapshotFileVariable) + '=' + file);
  environment.push_back(std::string(quarry::startup::kSnapshotKeyVariable) + '=' + key);

  const MappedFile mapped(file);
  const auto snapshot = usable_snapshot(mapped, key);
  if (!snapshot) return quarry::front::exec_engine(engine, arguments, environment);
  const auto outcome = quarry::front::answer_early(*snapshot, STDIN_FILENO, STDOUT_FILENO);
  if (outcome.finished) return 0;
  const int fd = handover_file(outcome.handover.encode());
  if (fd < 0) {
    std::fprintf(stderr, "quarry: cannot hand the session over to the engine: %s\n",
                 std::strerror(errno));
    return 1;
  }
  environment.push_back(std::string(quarry::startup::kHandoverFdVariable) + '=' +
                        std::to_string(fd));
  return quarry::front::exec_engine(engine, arguments, environment);
}
