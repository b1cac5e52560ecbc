#pragma once
//! \file
//! Owning handles for SQLite connections and statements.

#include <sqlite3.h>

#include <memory>

namespace quarry::io::detail {

struct CloseDatabase {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};

//! An open connection, closed on destruction.
using Database = std::unique_ptr<sqlite3, CloseDatabase>;
//! A prepared statement, finalized on destruction.
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

//! "name" with embedded double quotes doubled: a safe SQL identifier.
inline std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

}  // namespace quarry::io::detail
