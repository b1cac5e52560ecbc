#include "io/detail/header_names.hpp"

#include <unordered_set>

namespace quarry::io::detail {

std::vector<std::string> unique_column_names(std::vector<std::string> raw,
                                             std::vector<std::string>& notes) {
  std::unordered_set<std::string> taken;
  std::unordered_set<std::string> first_use;
  for (const std::string& name : raw) {
    if (!name.empty()) taken.insert(name);
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string& name = raw[i];
    const std::string position = std::to_string(i + 1);
    if (!name.empty() && first_use.insert(name).second) continue;
    const std::string base = name.empty() ? "col_" + position : name;
    std::string fresh = base;
    for (int suffix = 2; taken.contains(fresh); ++suffix)
      fresh = base + "_" + std::to_string(suffix);
    notes.push_back(name.empty()
                        ? "column " + position + " has an empty name; named '" + fresh + "'"
                        : "column " + position + " repeats the name '" + name + "'; named '" +
                              fresh + "'");
    taken.insert(fresh);
    first_use.insert(fresh);
    name = std::move(fresh);
  }
  return raw;
}

}  // namespace quarry::io::detail
