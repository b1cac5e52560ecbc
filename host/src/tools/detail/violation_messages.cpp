#include "tools/detail/violation_messages.hpp"

#include "quarry/text/nearest_name.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <algorithm>
#include <string_view>

namespace quarry::tools::detail {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  for (std::size_t at = 1; at < path.size();) {
    const std::size_t next = std::min(path.find('/', at), path.size());
    segments.push_back(path.substr(at, next - at));
    at = next + 1;
  }
  return segments;
}

//! The schema node under `node` that constrains a value at `segment` (through properties,
//! items, additionalProperties, or the first anyOf/oneOf alternative that has one), or null.
const json* child_schema(const json& node, const std::string& segment) {
  if (!node.is_object()) return nullptr;
  if (node.contains("properties") && node["properties"].contains(segment)) {
    return &node["properties"][segment];
  }
  if (node.contains("items") && node["items"].is_object()) return &node["items"];
  if (node.contains("additionalProperties") && node["additionalProperties"].is_object()) {
    return &node["additionalProperties"];
  }
  for (const char* alternatives : {"anyOf", "oneOf"}) {
    if (!node.contains(alternatives) || !node[alternatives].is_array()) continue;
    for (const json& alternative : node[alternatives]) {
      if (const json* child = child_schema(alternative, segment)) return child;
    }
  }
  return nullptr;
}

//! The schema node that constrains the instance at `segments`, or null when it cannot be
//! followed.
const json* schema_at(const json& root, const std::vector<std::string>& segments) {
  const json* node = &root;
  for (const std::string& segment : segments) {
    node = child_schema(*node, segment);
    if (node == nullptr) return nullptr;
  }
  return node;
}

//! The instance value at `segments`, or null.
const json* instance_at(const json& root, const std::vector<std::string>& segments) {
  const json* node = &root;
  for (const std::string& segment : segments) {
    if (node->is_object() && node->contains(segment)) {
      node = &(*node)[segment];
    } else if (node->is_array() && !segment.empty() &&
               std::all_of(segment.begin(), segment.end(),
                           [](char c) { return c >= '0' && c <= '9'; }) &&
               std::stoul(segment) < node->size()) {
      node = &(*node)[std::stoul(segment)];
    } else {
      return nullptr;
    }
  }
  return node;
}

//! What `node` accepts, in words ("an array of strings", "one of \"a\", \"b\""); empty when
//! it says nothing this can put in words.
std::string expected_text(const json& node) {
  if (!node.is_object()) return "";
  if (node.contains("enum") && node["enum"].is_array()) {
    std::string text = "one of ";
    for (std::size_t i = 0; i < node["enum"].size(); ++i) {
      text += (i == 0 ? "" : ", ") + node["enum"][i].dump();
    }
    return text;
  }
  for (const char* alternatives : {"anyOf", "oneOf"}) {
    if (!node.contains(alternatives) || !node[alternatives].is_array()) continue;
    std::string text;
    for (const json& alternative : node[alternatives]) {
      const std::string part = expected_text(alternative);
      if (part.empty()) return "";
      text += (text.empty() ? "" : ", or ") + part;
    }
    return text;
  }
  if (!node.contains("type")) return "";
  const json types = node["type"].is_array() ? node["type"] : json::array({node["type"]});
  std::string text;
  for (const json& type : types) {
    if (!type.is_string()) return "";
    std::string name = type.get<std::string>();
    if (name == "array" && node.contains("items") && node["items"].contains("type") &&
        node["items"]["type"].is_string()) {
      name = "an array of " + node["items"]["type"].get<std::string>() + "s";
    } else if (name == "object" || name == "array" || name == "integer") {
      name = "an " + name;
    } else if (name != "null") {
      name = "a " + name;
    }
    text += (text.empty() ? "" : " or ") + name;
  }
  return text;
}

//! "the string \"v\"", "an object", "the number 2" — what was given.
std::string given_text(const json& value) {
  std::string shown = value.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  switch (value.type()) {
    case json::value_t::string:
      return "the string " + shown;
    case json::value_t::boolean:
      return "the boolean " + shown;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "the number " + shown;
    case json::value_t::array:
      return "an array of " + std::to_string(value.size()) +
             (value.size() == 1 ? " item" : " items");
    case json::value_t::object:
      return "an object";
    default:
      return "null";
  }
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

//! valijson's messages for a value of the wrong type or outside an enum, including those it
//! gives for each alternative of an anyOf/oneOf and for the anyOf/oneOf itself.
bool about_type_or_choice(std::string_view message) {
  return message.find("'type' constraint") != std::string_view::npos ||
         starts_with(message, "Failed to match against any enum values") ||
         starts_with(message, "Failed to validate against child schema") ||
         starts_with(message, "Failed to validate against any schemas allowed by anyOf") ||
         starts_with(message, "Failed to validate against any child schemas allowed by oneOf");
}

//! valijson's messages for a number, string or array outside the bounds its schema sets.
bool about_bounds(std::string_view message) {
  return starts_with(message, "Expected number ") ||
         starts_with(message, "Failed to match regex specified by 'pattern'") ||
         starts_with(message, "String should be no ") ||
         starts_with(message, "Array should contain no ") ||
         starts_with(message, "Elements at indexes #");
}

//! `node`'s bound `key` as written in the schema ("1", not valijson's "1.000000").
std::string bound_of(const json& node, const char* key) {
  const auto found = node.find(key);
  return found != node.end() && found->is_number() ? found->dump() : std::string();
}

//! True when `node` declares the JSON type of `value` (integers are numbers too).
bool takes_type_of(const json& node, const json& value) {
  if (!node.is_object() || !node.contains("type")) return false;
  const json types = node["type"].is_array() ? node["type"] : json::array({node["type"]});
  for (const json& type : types) {
    if (!type.is_string()) continue;
    const std::string name = type.get<std::string>();
    if ((name == "array" && value.is_array()) || (name == "object" && value.is_object()) ||
        (name == "string" && value.is_string()) || (name == "boolean" && value.is_boolean()) ||
        (name == "number" && value.is_number()) ||
        (name == "integer" && value.is_number_integer())) {
      return true;
    }
  }
  return false;
}

//! What the bounds of `node` accept, in words ("a number at least 0 and at most 1", "a
//! string matching ^a+$", "an array of at most 50 items with no item repeated"); empty
//! when it sets none.
std::string bounds_text(const json& node, const json& given) {
  if (!node.is_object()) return "";
  for (const char* alternatives : {"anyOf", "oneOf"}) {
    // The alternative for the kind of value given ("columns": a name or a list of names).
    if (!node.contains(alternatives) || !node[alternatives].is_array()) continue;
    for (const json& alternative : node[alternatives]) {
      if (takes_type_of(alternative, given)) return bounds_text(alternative, given);
    }
  }
  if (node.contains("pattern") && node["pattern"].is_string()) {
    return "a string matching " + node["pattern"].get<std::string>();
  }
  std::vector<std::string> limits;
  const auto add = [&](const char* key, const char* words) {
    if (const std::string bound = bound_of(node, key); !bound.empty())
      limits.push_back(words + bound);
  };
  std::string what;
  std::string unit;  // after the limits
  bool unique = false;
  if (node.contains("minLength") || node.contains("maxLength")) {
    what = "a string of";
    unit = " characters";
    add("minLength", "at least ");
    add("maxLength", "at most ");
  } else if (node.contains("minItems") || node.contains("maxItems") ||
             node.contains("uniqueItems")) {
    what = "an array of";
    unit = " items";
    add("minItems", "at least ");
    add("maxItems", "at most ");
    unique = node.value("uniqueItems", false);
  } else {
    what = node.value("type", json()) == "integer" ? "an integer" : "a number";
    add("minimum", "at least ");
    add("exclusiveMinimum", "above ");
    add("maximum", "at most ");
    add("exclusiveMaximum", "below ");
  }
  if (limits.empty() && !unique) return "";
  if (limits.empty()) return what + " items with no item repeated";
  std::string text = what;
  for (std::size_t i = 0; i < limits.size(); ++i) text += (i == 0 ? " " : " and ") + limits[i];
  return text + unit + (unique ? " with no item repeated" : "");
}

//! " ('percentiles': Fractions in [0, 1] …)": the description of the argument or property
//! nearest above `segments` that has one (array items name their array), or "".
std::string nearest_description(const json& root, std::vector<std::string> segments) {
  while (!segments.empty()) {
    const json* node = schema_at(root, segments);
    const std::string& name = segments.back();
    const bool index =
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!index && node != nullptr && node->contains("description") &&
        (*node)["description"].is_string()) {
      return " ('" + name + "': " + (*node)["description"].get<std::string>() + ")";
    }
    segments.pop_back();
  }
  return "";
}

//! The messages valijson adds for each property and array item enclosing a violation.
bool wrapper(std::string_view message) {
  return starts_with(message, "Failed to validate against schema associated with property") ||
         starts_with(message, "Failed to validate item #");
}

//! " (\"svg\" is a value of 'picture')" when a string given at `segments` is one of the
//! choices of another property of the same object: the value was put under the wrong name.
std::string value_of_another_property(const json& root, std::vector<std::string> segments,
                                      const json& given) {
  if (!given.is_string() || segments.empty()) return "";
  const std::string name = segments.back();
  segments.pop_back();
  const json* parent = schema_at(root, segments);
  if (parent == nullptr || !parent->contains("properties")) return "";
  for (const auto& [other, node] : (*parent)["properties"].items()) {
    if (other != name && schema_enumerates(node, given)) {
      return " (" + given.dump() + " is a value of '" + other + "')";
    }
  }
  return "";
}

//! "missing required argument 'test' (one of \"a\", \"b\"): what it is" for a property of
//! the object schema `node` (`what`: "argument" at the top, "property" inside): what it takes
//! and its description, so the fix needs no schema.
std::string missing_message(const std::string& what, const std::string& name, const json& node) {
  std::string message = "missing required " + what + " '" + name + "'";
  const json* property = nullptr;
  if (const auto properties = node.find("properties");
      properties != node.end() && properties->is_object() && properties->contains(name)) {
    property = &(*properties)[name];
  }
  if (property == nullptr) return message;
  if (const std::string expected = expected_text(*property); !expected.empty()) {
    message += " (" + expected + ")";
  }
  if (const auto description = property->find("description");
      description != property->end() && description->is_string()) {
    message += ": " + description->get<std::string>();
  }
  return message;
}

//! True when the value at `path` is of a kind an anyOf/oneOf `node` takes and the violation
//! lies inside it (an item of a list): the alternatives' failure then says nothing more.
bool right_kind_wrong_inside(const json& node, const json& given, const std::string& path,
                             const std::vector<SchemaViolation>& raw) {
  bool takes = false;
  for (const char* alternatives : {"anyOf", "oneOf"}) {
    if (!node.contains(alternatives) || !node[alternatives].is_array()) continue;
    for (const json& alternative : node[alternatives])
      takes = takes || takes_type_of(alternative, given);
  }
  const std::string inside = path == "/" ? path : path + "/";
  return takes && std::any_of(raw.begin(), raw.end(), [&](const SchemaViolation& other) {
           return starts_with(other.path, inside) && !wrapper(other.message);
         });
}

}  // namespace

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known) {
  const std::optional<std::string> nearest = text::nearest_name(name, known);
  std::string message = "unknown " + what + " '" + name + "'";
  if (nearest) message += " (did you mean '" + *nearest + "'?)";
  message += "; the " + (what == "property" ? std::string("properties") : what + "s") + " are ";
  for (std::size_t i = 0; i < known.size(); ++i) message += (i == 0 ? "" : ", ") + known[i];
  return message;
}

std::vector<SchemaViolation> explain_violations(const std::vector<SchemaViolation>& raw,
                                                const json& schema, const json& instance) {
  static constexpr std::string_view kMissing = "Missing required property '";
  static constexpr std::string_view kUnknown =
      "Object contains a property that could not be validated using 'properties' or "
      "'additionalProperties' constraints: '";
  std::vector<SchemaViolation> out;
  std::vector<std::string> explained;  // paths whose type/choice violation was put in words
  for (const SchemaViolation& v : raw) {
    const std::vector<std::string> segments = split_path(v.path);
    const json* node = schema_at(schema, segments);
    const json* given = instance_at(instance, segments);
    if (starts_with(v.message, kUnknown) && node != nullptr && node->contains("properties")) {
      const std::string name =
          v.message.substr(kUnknown.size(), v.message.rfind('\'') - kUnknown.size());
      std::vector<std::string> known;
      for (const auto& [key, ignored] : (*node)["properties"].items()) known.push_back(key);
      const std::string at = v.path == "/" ? "/" + name : v.path + "/" + name;
      out.push_back({at, unknown_name_message("property", name, known)});
      continue;
    }
    if (starts_with(v.message, kMissing) && node != nullptr) {
      const std::size_t end = v.message.find('\'', kMissing.size());
      const std::string name = v.message.substr(kMissing.size(), end - kMissing.size());
      out.push_back(
          {v.path, missing_message(v.path == "/" ? "argument" : "property", name, *node)});
      continue;
    }
    if (about_type_or_choice(v.message) && node != nullptr && given != nullptr) {
      if (std::find(explained.begin(), explained.end(), v.path) != explained.end()) continue;
      if (right_kind_wrong_inside(*node, *given, v.path, raw)) continue;
      if (const std::string expected = expected_text(*node); !expected.empty()) {
        explained.push_back(v.path);
        out.push_back({v.path, "expected " + expected + ", got " + given_text(*given) +
                                   value_of_another_property(schema, segments, *given)});
        continue;
      }
    }
    if (about_bounds(v.message) && node != nullptr && given != nullptr) {
      if (const std::string expected = bounds_text(*node, *given); !expected.empty()) {
        explained.push_back(v.path);  // a failed anyOf at this path would only say "got an array"
        out.push_back({v.path, "expected " + expected + ", got " + given_text(*given) +
                                   nearest_description(schema, segments)});
        continue;
      }
    }
    out.push_back(v);
  }
  // An enclosing property's or item's wrapper says nothing the violation inside it does not.
  const bool anything_else =
      std::any_of(out.begin(), out.end(), [](const auto& v) { return !wrapper(v.message); });
  if (anything_else) {
    out.erase(
        std::remove_if(out.begin(), out.end(), [](const auto& v) { return wrapper(v.message); }),
        out.end());
  }
  return out;
}

}  // namespace quarry::tools::detail
