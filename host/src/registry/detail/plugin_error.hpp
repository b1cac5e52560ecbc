#pragma once
// Private to the registry: the error raised for a plugin that cannot be used.

#include <stdexcept>

namespace quarry::registry::detail {

//! A plugin problem; what() is one sentence fit for the log and `quarry plugins`.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace quarry::registry::detail
