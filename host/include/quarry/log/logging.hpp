#pragma once
//! \file
//! Process logging: spdlog to stderr (never stdout) and optionally a file.

#include "quarry/config/config.hpp"

namespace quarry::log {

//! Installs the default spdlog logger per the `[log]` settings. Call once from main.
//! Throws std::runtime_error naming the file when the log file cannot be opened.
void install(const config::Settings::Log& settings);

//! Changes the stderr/file verbosity at run time.
void set_level(config::LogLevel level);

}  // namespace quarry::log
