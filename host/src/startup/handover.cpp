#include "quarry/startup/handover.hpp"

#include <stdexcept>

namespace quarry::startup {

using nlohmann::json;

std::string Handover::encode() const {
  const json header = {{"initialize", initialize ? *initialize : json(nullptr)},
                       {"served", served ? json(*served) : json(nullptr)}};
  std::string text = header.dump(-1, ' ', false, json::error_handler_t::replace);
  text += '\n';
  text += unread;
  return text;
}

Handover Handover::decode(std::string_view text) {
  const auto newline = text.find('\n');
  const json header = json::parse(text.substr(0, newline), nullptr, false);
  if (newline == std::string_view::npos || !header.is_object())
    throw std::runtime_error("the handover from the quarry front has no header line");
  Handover handover;
  if (const auto initialize = header.find("initialize");
      initialize != header.end() && initialize->is_object())
    handover.initialize = *initialize;
  if (const auto served = header.find("served");
      served != header.end() && served->is_number_unsigned())
    handover.served = served->get<std::uint64_t>();
  handover.unread = std::string(text.substr(newline + 1));
  return handover;
}

}  // namespace quarry::startup
