#include "pipeline/detail/list_cut.hpp"

#include <algorithm>
#include <optional>

namespace quarry::pipeline::detail {
namespace {

using nlohmann::json;

// An object key as a JSON pointer segment (RFC 6901: '~' is "~0", '/' is "~1").
std::string pointer_segment(const std::string& key) {
  std::string segment;
  for (const char c : key) {
    if (c == '~') {
      segment += "~0";
    } else if (c == '/') {
      segment += "~1";
    } else {
      segment += c;
    }
  }
  return segment;
}

json copy_cut(const json& value, const std::string& pointer, const std::string& pattern,
              std::size_t limit, std::map<std::string, CutList>& lists) {
  if (value.is_array()) {
    const std::size_t kept = std::min(value.size(), limit);
    if (value.size() > limit) lists[pointer] = {value.size(), pattern};
    json out = json::array();
    out.get_ref<json::array_t&>().reserve(kept);
    for (std::size_t i = 0; i < kept; ++i)
      out.push_back(
          copy_cut(value[i], pointer + "/" + std::to_string(i), pattern + "/*", limit, lists));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, child] : value.items()) {
      const std::string segment = "/" + pointer_segment(key);
      out[key] = copy_cut(child, pointer + segment, pattern + segment, limit, lists);
    }
    return out;
  }
  return value;
}

}  // namespace

ListCut cut_lists(const json& value, std::size_t limit) {
  ListCut cut;
  cut.limit = limit;
  cut.value = copy_cut(value, "", "", limit, cut.lists);
  return cut;
}

ListCut cut_further(const ListCut& earlier, std::size_t limit) {
  ListCut cut = cut_lists(earlier.value, limit);
  for (const auto& [pointer, list] : earlier.lists) {
    if (cut.value.contains(json::json_pointer(pointer))) cut.lists[pointer] = list;
  }
  return cut;
}

json grouped_totals(const std::map<std::string, CutList>& lists) {
  // pattern -> its lists' common length, or nullopt when they differ
  std::map<std::string, std::optional<std::size_t>> common;
  std::map<std::string, std::size_t> members;
  for (const auto& [pointer, list] : lists) {
    const auto [it, inserted] = common.emplace(list.pattern, list.true_length);
    if (!inserted && it->second != list.true_length) it->second.reset();
    ++members[list.pattern];
  }
  json totals = json::object();
  for (const auto& [pointer, list] : lists) {
    const auto& length = common[list.pattern];
    if (members[list.pattern] > 1 && length) {
      totals[list.pattern] = *length;
    } else {
      totals[pointer] = list.true_length;
    }
  }
  return totals;
}

}  // namespace quarry::pipeline::detail
