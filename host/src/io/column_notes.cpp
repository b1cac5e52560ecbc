#include "io/detail/column_notes.hpp"

#include "io/detail/value_format.hpp"

namespace quarry::io::detail {

std::string mostly_numbers_note(std::string_view column, std::string_view value,
                                std::string_view where, std::string_view kind,
                                std::uint64_t numbers_before) {
  std::string name;
  append_json_string(name, column);
  std::string note = "read as text because value ";
  note.append(value).append(" ").append(where).append(" is not ").append(kind);
  note += ", though the " + std::to_string(numbers_before) +
          " values before it were; to read the column as numbers pass column_types {" + name +
          ": \"float64\"}";
  return note;
}

}  // namespace quarry::io::detail
