#pragma once
//! \file
//! Which columns a run reads, so that the reader types and parses only those
//! (io::CsvOptions::only_columns): a describe of 2 columns of a 50-column file pays for 2.
//!
//! A streaming tool opts in with the input-schema keyword tools::kReadsKeyword
//! ("x-quarry-reads"): the names of its arguments that name the columns it reads. A string
//! argument names one column (absent: none); an array of strings names several and an object
//! names them by its keys (absent or empty: every column, the usual "default: all columns").
//! A tool without the keyword reads every column. tools/list never shows the keyword.

#include "quarry/tools/tool.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace quarry::pipeline {

//! The union of the columns several consumers read.
class ColumnNeeds {
 public:
  //! Adds what a tool reads when called with `arguments`, as its `input_schema` declares.
  void add_tool(const nlohmann::json& input_schema, const nlohmann::json& arguments);
  //! Adds the columns a `where` expression refers to (all of them if it does not parse; the
  //! filter stage reports the error).
  void add_filter(const std::string& where);
  //! Something needs every column (e.g. rows written to a file).
  void add_every_column() noexcept { every_column_ = true; }
  //! The columns to read, in the order first asked for; empty when every column is needed.
  [[nodiscard]] std::vector<std::string> only_columns() const;

 private:
  void add_name(const std::string& name);

  bool every_column_ = false;
  std::vector<std::string> names_;
};

}  // namespace quarry::pipeline
