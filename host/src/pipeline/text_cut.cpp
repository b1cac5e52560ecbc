#include "pipeline/detail/text_cut.hpp"

#include <algorithm>
#include <numeric>

namespace quarry::pipeline::detail {
namespace {

std::size_t escaped_size(unsigned char c) {
  switch (c) {
    case '"':
    case '\\':
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
      return 2;
    default:
      return c < 0x20 ? 6 : 1;
  }
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
         (text.back() == '\n' ? 0 : 1);
}

}  // namespace

std::size_t json_string_size(std::string_view text) {
  std::size_t size = 0;
  for (const char c : text) size += escaped_size(static_cast<unsigned char>(c));
  return size;
}

TextCut cut_at_line(std::string_view text, std::size_t budget) {
  std::size_t used = 0;
  std::size_t line_end = 0;  // end of the last whole line that fits
  std::size_t fitting = 0;   // bytes of text that fit, wherever they end
  for (std::size_t i = 0; i < text.size(); ++i) {
    used += escaped_size(static_cast<unsigned char>(text[i]));
    if (used > budget) break;
    fitting = i + 1;
    if (text[i] == '\n') line_end = i + 1;
  }
  if (fitting == text.size()) return {std::string(text), 0, 0};
  std::size_t end = line_end;
  if (end == 0) {  // not even one line fits: keep whole characters of it
    end = fitting;
    while (end > 0 && is_utf8_continuation(text[end])) --end;
  }
  const std::string_view rest = text.substr(end);
  return {std::string(text.substr(0, end)), count_lines(rest), rest.size()};
}

std::vector<std::size_t> share_budget(const std::vector<std::size_t>& sizes, std::size_t budget) {
  std::vector<std::size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
  std::vector<std::size_t> shares(sizes.size());
  std::size_t remaining = budget;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t cap = remaining / (order.size() - k);
    const std::size_t share = std::min(sizes[order[k]], cap);
    shares[order[k]] = share;
    remaining -= share;
  }
  return shares;
}

}  // namespace quarry::pipeline::detail
