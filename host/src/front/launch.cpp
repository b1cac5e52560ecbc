#include "front/launch.hpp"

#include "quarry/startup/snapshot.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace quarry::front {
namespace {

// The global options of `quarry` that take a value as the next argument (see the engine's
// app/main.cpp); the front must skip those values to find the subcommand.
constexpr std::array<std::string_view, 7> kOptionsWithValue = {
    "-c", "--config", "--set", "--log-level", "--plugin-dir", "--data-root", "--output-root"};

bool takes_value(std::string_view option) {
  for (const auto known : kOptionsWithValue) {
    if (option == known) return true;
  }
  return false;
}

bool is_executable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0;
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

}  // namespace

bool asks_to_serve(const std::vector<std::string>& arguments) {
  bool serve = false;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    if (argument.starts_with('-')) {
      if (takes_value(argument)) {
        ++i;
        continue;
      }
      const auto equals = argument.find('=');
      if (equals != std::string_view::npos && takes_value(argument.substr(0, equals))) continue;
      return false;  // --help, --version or an option the engine will reject with a message
    }
    if (serve || argument != "serve") return false;
    serve = true;
  }
  return serve;
}

std::string find_engine(const std::string& front_path) {
  if (const char* named = std::getenv(startup::kEngineVariable); named != nullptr && *named != 0)
    return named;
  const std::string directory = directory_of(front_path);
  const std::string beside = directory + "/quarry-engine";
  if (is_executable(beside)) return beside;
  return directory + "/../libexec/quarry/quarry-engine";
}

int exec_engine(const std::string& engine, const std::vector<std::string>& arguments,
                const std::vector<std::string>& environment) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  execve(engine.c_str(), argv.data(), envp.data());
  std::fprintf(stderr,
               "quarry: cannot start the engine %s: %s. Reinstall quarry, or point the "
               "environment variable %s at the quarry-engine executable.\n",
               engine.c_str(), std::strerror(errno), startup::kEngineVariable);
  return 127;
}

}  // namespace quarry::front
