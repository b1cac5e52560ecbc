#pragma once
//! \file
//! A fast reader for the JSON Lines line most files are made of: one object whose members are
//! strings, numbers, booleans and nulls. It validates as it goes and gives up (returns false)
//! on anything else — a syntax error, a duplicate key, an escape it does not take — so the
//! caller parses that line with the full JSON parser, whose result (and error message) it
//! then is. Values are those the full parser gives: non-negative integers unsigned, negative
//! ones signed, integers beyond 64 bits and all other numbers double (correctly rounded, as
//! strtod), nested objects and arrays parsed in full.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace quarry::io::detail {

//! One member of a JSON object.
struct JsonMember {
  std::string key;
  nlohmann::ordered_json value;
};

//! Reads `text`, one JSON object, into `members` (cleared first); false when the fast reader
//! does not take the line (see the file comment), leaving `members` unspecified.
bool read_flat_object(std::string_view text, std::vector<JsonMember>& members);

}  // namespace quarry::io::detail
