// Sandbox::glob_inputs: matching files under the data roots against a glob pattern.

#include "quarry/sandbox/sandbox.hpp"

#include <algorithm>
#include <span>
#include <string_view>

namespace quarry::sandbox {
namespace fs = std::filesystem;

namespace {

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

// Matches one path component against one pattern component (*, ?, [abc], [!a-z]).
bool match_component(std::string_view pattern, std::string_view name) {
  if (!name.empty() && name.front() == '.' && (pattern.empty() || pattern.front() != '.'))
    return false;
  std::size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_n = n;
      continue;
    }
    bool matched = false;
    std::size_t next = p + 1;
    if (p < pattern.size() && pattern[p] == '[') {
      std::size_t end = pattern.find(']', p + 2);
      if (end != std::string_view::npos) {
        const bool negate = pattern[p + 1] == '!' || pattern[p + 1] == '^';
        bool in_class = false;
        for (std::size_t i = p + 1 + (negate ? 1 : 0); i < end; ++i) {
          if (i + 2 < end && pattern[i + 1] == '-') {
            in_class = in_class || (name[n] >= pattern[i] && name[n] <= pattern[i + 2]);
            i += 2;
          } else {
            in_class = in_class || name[n] == pattern[i];
          }
        }
        matched = in_class != negate;
        next = end + 1;
      } else {
        matched = name[n] == '[';
      }
    } else if (p < pattern.size()) {
      matched = pattern[p] == '?' || pattern[p] == name[n];
    }
    if (matched) {
      p = next;
      ++n;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Matches path components against pattern components, where "**" matches zero or
// more whole components.
bool match_path(std::span<const std::string> pattern, std::span<const std::string> path) {
  if (pattern.empty()) return path.empty();
  if (pattern.front() == "**") {
    for (std::size_t skip = 0; skip <= path.size(); ++skip) {
      if (match_path(pattern.subspan(1), path.subspan(skip))) return true;
    }
    return false;
  }
  return !path.empty() && match_component(pattern.front(), path.front()) &&
         match_path(pattern.subspan(1), path.subspan(1));
}

std::vector<std::string> components(const fs::path& path) {
  std::vector<std::string> parts;
  for (const auto& part : path) {
    if (!part.empty() && part != ".") parts.push_back(part.string());
  }
  return parts;
}

}  // namespace

namespace {

// A pattern split at its first wildcard: the fixed directory to walk and the components
// to match below it.
struct SplitPattern {
  fs::path base;
  std::vector<std::string> rest;
};

SplitPattern split_pattern(const fs::path& pattern) {
  SplitPattern split;
  for (const auto& part : pattern) {
    if (split.rest.empty() && !has_wildcard(part.string())) {
      split.base /= part;
    } else {
      split.rest.push_back(part.string());
    }
  }
  return split;
}

}  // namespace

std::vector<fs::path> Sandbox::glob_inputs(const std::string& pattern,
                                           std::size_t max_files) const {
  if (pattern.empty()) throw SandboxError("the file pattern is empty; give e.g. \"logs/*.csv\"");
  const fs::path given(pattern);
  std::vector<fs::path> candidates;
  if (given.is_absolute()) {
    candidates.push_back(given.lexically_normal());
  } else {
    for (const auto& root : read_roots_) candidates.push_back((root / given).lexically_normal());
  }
  std::error_code error;
  // A relative pattern is taken in the first read root holding its fixed directory (or, without
  // a wildcard, the file itself).
  const auto holding = std::find_if(candidates.begin(), candidates.end(), [&](const fs::path& c) {
    const auto split = split_pattern(c);
    return split.rest.empty() ? fs::exists(c, error) : fs::is_directory(split.base, error);
  });
  if (holding == candidates.end()) {
    if (split_pattern(candidates.front()).rest.empty()) return {candidates.front()};
    std::string tried;
    for (const auto& c : candidates)
      tried += (tried.empty() ? "" : ", ") + split_pattern(c).base.string();
    throw SandboxError("the directory of pattern '" + pattern + "' does not exist (looked for " +
                       tried + "; a relative pattern is looked up in the data roots in order, " +
                       "then in the output root); give a pattern under one of them");
  }
  const fs::path joined = *holding;
  const auto [base, rest] = split_pattern(joined);
  if (rest.empty()) return {joined};  // no wildcard: one file, checked by resolve_input
  const fs::path real_base = fs::canonical(base, error);
  if (error || !is_readable_location(real_base)) {
    throw SandboxError("pattern '" + pattern + "' looks in " + (error ? base : real_base).string() +
                       ", outside " + describe_read_roots() + "; give a pattern under one of them");
  }
  const bool recursive = std::find(rest.begin(), rest.end(), "**") != rest.end();
  std::vector<fs::path> matches;
  auto options = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(base, options, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const auto relative = components(it->path().lexically_relative(base));
    if (!recursive && relative.size() >= rest.size()) it.disable_recursion_pending();
    if (!it->is_regular_file(error) || !match_path(rest, relative)) continue;
    matches.push_back(it->path());
    if (matches.size() > max_files) {
      throw SandboxError("pattern '" + pattern + "' matches more than " +
                         std::to_string(max_files) + " files; narrow it");
    }
  }
  std::sort(matches.begin(), matches.end());
  return matches;
}

}  // namespace quarry::sandbox
