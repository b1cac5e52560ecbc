#include "quarry/pipeline/result_budget.hpp"

#include "pipeline/detail/list_cut.hpp"
#include "pipeline/detail/text_cut.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace quarry::pipeline {
namespace {

using detail::ListCut;
using nlohmann::json;

// Bytes kept back from the structured content's share for the closing note and the link.
constexpr std::size_t kNoteReserve = 1536;
// What a text block costs besides its text: {"text":"","type":"text"} and a comma.
constexpr std::size_t kTextBlockOverhead = 28;
// Room for the note that ends a cut text block.
constexpr std::size_t kCutNoteReserve = 240;
// A text block cut to less than this is left out instead: its note would be all of it.
constexpr std::size_t kLeastTextKept = 80;
// How many lists the closing note names before "and N more".
constexpr std::size_t kListsNamed = 8;

// One line of JSON; text that is not valid UTF-8 is replaced rather than refused.
std::string compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::size_t json_size(const json& value) {
  return compact(value).size();
}

bool is_text(const json& block) {
  return block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
         block["text"].is_string();
}

// ---- the whole result ---------------------------------------------------------------------

// Where the whole result went: its path, or why it was not kept.
struct KeptWhole {
  std::string path;
  std::string why_not;
};

KeptWhole keep_whole(const tools::ToolResult& result, const std::string& tool,
                     const FullResultWriter& writer) {
  if (!writer) return {{}, "it was not kept (results.keep_files = 0)"};
  // Written piece by piece: a whole result can be large, and a JSON object holding it would
  // copy it all.
  std::string whole = "{\"tool\":" + json(tool).dump() + ",\"content\":" + compact(result.content);
  if (result.structured) whole += ",\"structuredContent\":" + compact(*result.structured);
  if (result.is_error) whole += ",\"isError\":true";
  whole += "}";
  try {
    return {writer(tool, whole).string(), {}};
  } catch (const std::exception& e) {
    spdlog::warn("could not keep the full result of {}: {}", tool, e.what());
    return {{}, fmt::format("it could not be written ({})", e.what())};
  }
}

// ---- the structured content -------------------------------------------------------------

// The structured content as sent, and what the note must say about it.
struct FittedStructure {
  std::optional<json> value;
  std::optional<ListCut> lists;  // the lists cut, when the value is a cut
  std::string problem;           // why it is over the budget or was not cut; empty when fine
};

json with_cut_marks(const ListCut& cut, const std::string& full_path) {
  json value = cut.value;
  if (!cut.lists.empty()) {
    value["truncated"] = true;
    value["totals"] = detail::grouped_totals(cut.lists);
  }
  if (!full_path.empty()) value["full_result"] = full_path;
  return value;
}

// The largest list limit (at most first.limit) whose cut takes at most `share` bytes; the
// cut at limit 1 when none does.
ListCut shrink_to(const ListCut& first, std::size_t share, const std::string& full_path) {
  if (json_size(with_cut_marks(first, full_path)) <= share || first.limit <= 1) return first;
  std::size_t fits = 0;  // largest limit known to fit; 0: none yet
  std::size_t low = 1;
  std::size_t high = first.limit - 1;
  std::optional<ListCut> best;
  while (low <= high) {
    const std::size_t middle = low + (high - low) / 2;
    ListCut candidate = detail::cut_further(first, middle);
    if (json_size(with_cut_marks(candidate, full_path)) <= share) {
      fits = middle;
      best = std::move(candidate);
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return fits > 0 ? std::move(*best) : detail::cut_further(first, 1);
}

// Checks values against a tool's outputSchema (none: every value passes).
class SchemaCheck {
 public:
  explicit SchemaCheck(const std::optional<json>& schema) {
    if (!schema || !schema->is_object()) return;
    try {
      validator_.emplace(*schema, tools::UnlistedProperties::kAllowed);
    } catch (const std::exception&) {
      // An unusable schema cannot refuse a cut (tools/list already shows it as it is).
    }
  }
  //! The violations of `value`, as text; empty when it matches.
  [[nodiscard]] std::string violations(const json& value) const {
    return validator_ ? tools::describe(validator_->validate(value)) : std::string();
  }

 private:
  std::optional<tools::SchemaValidator> validator_;
};

FittedStructure fit_structure(const tools::ToolResult& result, const ListCut& first,
                              std::size_t share, const tools::ToolDescriptor& tool,
                              const ResultBudget& budget, const std::string& full_path) {
  const SchemaCheck check(tool.output_schema);
  ListCut cut = shrink_to(first, share, full_path);
  // The cut that fits, then (should the schema refuse it) the same without the marks the host
  // adds, then the lists cut only to results.max_rows, with and without them.
  std::string broken;
  for (const ListCut* candidate : {static_cast<const ListCut*>(&cut), &first}) {
    for (const bool marked : {true, false}) {
      json value = marked ? with_cut_marks(*candidate, full_path) : candidate->value;
      const std::string violations = check.violations(value);
      if (!violations.empty()) {
        if (broken.empty()) broken = violations;
        continue;
      }
      FittedStructure fitted;
      const std::size_t size = json_size(value);
      if (size > share) {
        fitted.problem = fmt::format(
            "The structured content takes {} bytes with every list cut to {} item{}, over its "
            "share of results.max_bytes = {}{}.",
            size, candidate->limit, candidate->limit == 1 ? "" : "s", budget.max_bytes,
            candidate == &first ? " (a shorter cut would not match the tool's outputSchema)"
                                : "; its other values are sent as they are");
      }
      fitted.value = std::move(value);
      fitted.lists = *candidate;
      return fitted;
    }
  }
  FittedStructure fitted;
  fitted.value = result.structured;
  if (!check.violations(*result.structured).empty()) {
    // The tool's own result breaks its schema: cutting it cannot make it worse.
    spdlog::debug("{}: its result does not match its outputSchema: {}", tool.name, broken);
    fitted.value = with_cut_marks(cut, full_path);
    fitted.lists = std::move(cut);
    return fitted;
  }
  fitted.problem = fmt::format(
      "The structured content could not be cut without breaking {}'s outputSchema ({}), so it "
      "is sent whole ({} bytes; results.max_bytes = {}).",
      tool.name, broken, json_size(*result.structured), budget.max_bytes);
  return fitted;
}

// ---- the note on cut lists ------------------------------------------------------------------

std::string noun_for(const std::string& pattern) {
  std::string last;
  for (std::size_t start = 1; start <= pattern.size();) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    const std::string segment = pattern.substr(start, end - start);
    if (segment != "*") last = segment;
    start = end + 1;
  }
  for (const char* noun : {"rows", "columns", "groups"}) {
    if (last == noun) return last;
  }
  return "items";
}

bool is_limit_argument(const std::string& name) {
  return name == "limit" || name == "top" || name == "horizon" || name == "nlags" ||
         (name.starts_with("max_") && name != "max_concurrency");
}

// True when `value` is a whole number above `limit`.
bool asks_more_than(const json& value, std::size_t limit) {
  return value.is_number_integer() && value.get<std::int64_t>() > 0 &&
         static_cast<std::uint64_t>(value.get<std::int64_t>()) > limit;
}

// Adds "name = value" for every limit argument in `node` (and below it: a pipeline's or batch's
// stages) asking for more than `limit`.
void collect_asked(const json& node, std::size_t limit, std::vector<std::string>& asked) {
  if (node.is_array()) {
    for (const auto& item : node) collect_asked(item, limit, asked);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (is_limit_argument(key) && asks_more_than(value, limit))
      asked.push_back(fmt::format("{} = {}", key, value.get<std::int64_t>()));
    collect_asked(value, limit, asked);
  }
}

// The limits the call asked for above `limit`: given in `arguments`, or left at a default of
// the tool's own input schema.
std::vector<std::string> asked_limits(const json& arguments, const json& input_schema,
                                      std::size_t limit) {
  std::vector<std::string> asked;
  collect_asked(arguments, limit, asked);
  const json properties = input_schema.value("properties", json::object());
  for (const auto& [key, property] : properties.items()) {
    if (!is_limit_argument(key) || arguments.contains(key) || !property.is_object()) continue;
    const auto fallback = property.find("default");
    if (fallback != property.end() && asks_more_than(*fallback, limit)) {
      asked.push_back(fmt::format("{} = {} (its default)", key, fallback->get<std::int64_t>()));
    }
  }
  return asked;
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

// "rows (1000 → 50 rows)" for each list of `totals`; a matrix, a list of lists all as long as
// it, reads "pearson (1000 × 1000 → 12 × 12)".
std::vector<std::string> name_lists(const json& totals, std::size_t limit) {
  std::vector<std::string> named;
  std::size_t shown = 0;
  for (const auto& [pointer, length] : totals.items()) {
    if (pointer.ends_with("/*") &&
        totals.value(pointer.substr(0, pointer.size() - 2), json()) == length) {
      continue;  // the rows of a matrix named with it
    }
    if (++shown > kListsNamed) continue;
    const std::size_t n = length.get<std::size_t>();
    const std::string name = pointer.substr(1);
    if (totals.value(pointer + "/*", json()) == length) {
      named.push_back(fmt::format("{} ({} × {} → {} × {})", name, n, n, limit, limit));
    } else {
      named.push_back(fmt::format("{} ({} → {} {}{})", name, n, limit, noun_for(pointer),
                                  pointer.find("/*") != std::string::npos ? " each" : ""));
    }
  }
  if (shown > kListsNamed) named.push_back(fmt::format("and {} more", shown - kListsNamed));
  return named;
}

std::string lists_note(const ListCut& cut, const ResultBudget& budget,
                       const tools::ToolDescriptor& tool, const json& arguments) {
  const std::string why =
      cut.limit == budget.max_rows
          ? fmt::format("results.max_rows = {}", budget.max_rows)
          : fmt::format(
                "fewer than results.max_rows = {}, so that the structured content fits "
                "results.max_bytes = {}",
                budget.max_rows, budget.max_bytes);
  std::string note = fmt::format(
      "Lists cut to their first {} items ({}); their true lengths are under \"totals\" in the "
      "structured content: {}.",
      cut.limit, why, join(name_lists(detail::grouped_totals(cut.lists), cut.limit)));
  const auto asked = asked_limits(arguments, tool.input_schema, cut.limit);
  if (!asked.empty()) note += fmt::format(" The call's own limits allow more: {}.", join(asked));
  return note;
}

// ---- the text ---------------------------------------------------------------------------------

std::string cut_note(const detail::TextCut& cut, const ResultBudget& budget,
                     const KeptWhole& whole) {
  return fmt::format("\n[… {} more line{} ({} bytes) cut here to fit results.max_bytes = {}; {}]",
                     cut.lines_cut, cut.lines_cut == 1 ? "" : "s", cut.bytes_cut, budget.max_bytes,
                     whole.path.empty() ? "raise results.max_bytes to see more"
                                        : "the whole text is in the full result named below");
}

// `content` within `budget` bytes: text blocks share it (the largest cut first, each at a line,
// ending with a note); other blocks (images, resources) stay while they take at most half of
// it. Adds to `dropped` a sentence per block left out.
json fit_content(const json& content, std::size_t budget, const ResultBudget& limits,
                 const KeptWhole& whole, std::string& dropped) {
  std::vector<std::size_t> text_sizes;
  std::size_t other_bytes = 0;
  std::vector<bool> keep(content.size(), true);
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (is_text(content[i])) {
      text_sizes.push_back(
          detail::json_string_size(content[i]["text"].get_ref<const std::string&>()) +
          kTextBlockOverhead);
      continue;
    }
    const std::size_t size = json_size(content[i]) + 1;
    if (other_bytes + size > budget / 2) {
      keep[i] = false;
      dropped += fmt::format(" A block of type {} ({} bytes) was left out{}.",
                             content[i].value("type", "content"), size,
                             whole.path.empty() ? "" : " (it is in the full result)");
      continue;
    }
    other_bytes += size;
  }
  const auto shares = detail::share_budget(text_sizes, budget - std::min(budget, other_bytes));
  json out = json::array();
  std::size_t text_index = 0;
  std::size_t left_out = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (!keep[i]) continue;
    if (!is_text(content[i])) {
      out.push_back(content[i]);
      continue;
    }
    const std::size_t size = text_sizes[text_index];
    const std::size_t share = shares[text_index++];
    if (share >= size) {
      out.push_back(content[i]);
      continue;
    }
    if (share < kTextBlockOverhead + kCutNoteReserve + kLeastTextKept) {
      ++left_out;  // too little room to show anything of it beside the note
      continue;
    }
    const std::string& text = content[i]["text"].get_ref<const std::string&>();
    const auto cut = detail::cut_at_line(text, share - kTextBlockOverhead - kCutNoteReserve);
    json block = content[i];
    block["text"] = cut.kept + cut_note(cut, limits, whole);
    out.push_back(std::move(block));
  }
  if (left_out > 0) {
    dropped += fmt::format(
        " {} of the {} parts of the text {} left out for lack of room in "
        "results.max_bytes = {}{}.",
        left_out, text_sizes.size(), left_out == 1 ? "was" : "were", limits.max_bytes,
        whole.path.empty() ? "" : " (they are in the full result)");
  }
  return out;
}

std::string whole_result_note(const KeptWhole& whole) {
  if (whole.path.empty()) {
    return fmt::format(
        "The whole result is not available: {}. Raise results.max_bytes and results.max_rows "
        "in the server's configuration to see more here.",
        whole.why_not);
  }
  return fmt::format(
      "The whole result (text and structured content, as JSON) is in {}, a file on the "
      "server's disk (this server offers no resources/read: open it there). To see more here, "
      "raise results.max_rows and results.max_bytes in the server's configuration "
      "(--set results.max_rows=N, QUARRY_RESULTS_MAX_ROWS).",
      whole.path);
}

json link_to(const KeptWhole& whole, const std::string& tool) {
  return {{"type", "resource_link"},
          {"uri", "file://" + whole.path},
          {"name", std::filesystem::path(whole.path).filename().string()},
          {"mimeType", "application/json"},
          {"description", "the whole result of " + tool +
                              " (content and structuredContent), a file on the server's disk"}};
}

std::size_t size_of(const tools::ToolResult& result) {
  return json_size(result.content) + (result.structured ? json_size(*result.structured) : 0);
}

}  // namespace

tools::ToolResult apply_budget(tools::ToolResult result, const ResultBudget& budget,
                               const tools::ToolDescriptor& tool, const json& arguments,
                               const FullResultWriter& writer) {
  const bool has_object = result.structured && result.structured->is_object();
  std::optional<ListCut> first;
  if (has_object) first = detail::cut_lists(*result.structured, budget.max_rows);
  const bool lists_cut = first && !first->lists.empty();
  if (!lists_cut && size_of(result) <= budget.max_bytes) return result;

  const KeptWhole whole = keep_whole(result, tool.name, writer);
  const std::size_t bytes = budget.max_bytes;
  const std::size_t reserve = std::min(kNoteReserve, bytes / 4);
  const std::size_t text_claim = std::min(json_size(result.content), bytes / 2);

  tools::ToolResult out;
  out.is_error = result.is_error;
  std::string note;
  if (has_object) {
    FittedStructure fitted =
        fit_structure(result, *first, bytes - reserve - text_claim, tool, budget, whole.path);
    if (fitted.lists && !fitted.lists->lists.empty())
      note += lists_note(*fitted.lists, budget, tool, arguments);
    if (!fitted.problem.empty()) note += (note.empty() ? "" : " ") + fitted.problem;
    out.structured = std::move(fitted.value);
  } else {
    out.structured = result.structured;  // not an object: nothing to cut
  }
  std::string dropped;
  const std::size_t fixed = out.structured ? json_size(*out.structured) : 0;
  // At least a little text stays for clients that show only text.
  std::size_t text_budget =
      std::max<std::size_t>(bytes > fixed + reserve ? bytes - fixed - reserve : 0,
                            std::min<std::size_t>(1024, bytes / 8));
  for (int attempt = 0; attempt < 4; ++attempt) {
    dropped.clear();
    out.content = fit_content(result.content, text_budget, budget, whole, dropped);
    std::string closing = note + dropped;
    closing += (closing.empty() ? "" : " ") + whole_result_note(whole);
    out.content.push_back({{"type", "text"}, {"text", closing}});
    if (!whole.path.empty()) out.content.push_back(link_to(whole, tool.name));
    const std::size_t total = size_of(out);
    if (total <= bytes || text_budget <= 1024) break;
    text_budget -= std::min(text_budget - 1024, total - bytes);
  }
  return out;
}

}  // namespace quarry::pipeline
