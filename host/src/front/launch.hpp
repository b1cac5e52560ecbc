#pragma once
// How the front starts the engine: which command lines it serves itself, where the
// engine executable is, and the exec that replaces the front with it.

#include <string>
#include <vector>

namespace quarry::front {

//! True when the command line asks for `serve` (global options may come before or after
//! it); help, version and anything unrecognised go to the engine, which explains them.
[[nodiscard]] bool asks_to_serve(const std::vector<std::string>& arguments);

//! The engine executable: $QUARRY_ENGINE, else `quarry-engine` beside the front, else
//! `../libexec/quarry/quarry-engine` relative to the front's directory.
[[nodiscard]] std::string find_engine(const std::string& front_path);

//! Replaces this process with the engine, same arguments, `environment` (entries NAME=value).
//! Returns only on failure, after printing why to stderr; the result is the exit status.
[[nodiscard]] int exec_engine(const std::string& engine, const std::vector<std::string>& arguments,
                              const std::vector<std::string>& environment);

}  // namespace quarry::front
