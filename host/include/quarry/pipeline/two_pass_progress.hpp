#pragma once
//! \file
//! Progress of a run whose reader may first have scanned the whole file (type inference)
//! before parsing it: the scan is then the first half of the work, the parse the second.

#include "quarry/io/source.hpp"
#include "quarry/tools/tool.hpp"

namespace quarry::pipeline {

//! Forwards to `inner`. After a scan on open, the parse pass's byte counts are shifted by
//! the file size so the client sees one monotonic bar from 0 to 2 × file size; without one
//! (a guessed schema, the column cache) the bar runs from 0 to the file size.
class TwoPassProgress final : public tools::CallContext {
 public:
  TwoPassProgress(tools::CallContext& inner, const io::Source& source)
      : inner_(inner),
        source_(source),
        file_bytes_(static_cast<double>(source.total_bytes().value_or(0))) {}
  bool cancelled() const override { return inner_.cancelled(); }
  void progress(double done, std::optional<double>, std::string_view message) override {
    // Asked each time: a source whose guess failed scans the file before the run restarts.
    if (source_.scanned_on_open()) {
      inner_.progress(file_bytes_ + done, 2 * file_bytes_, message);
    } else {
      inner_.progress(done, file_bytes_, message);
    }
  }
  void log(tools::MessageLevel level, const nlohmann::json& data,
           std::string_view logger) override {
    inner_.log(level, data, logger);
  }

 private:
  tools::CallContext& inner_;
  const io::Source& source_;
  double file_bytes_;
};

}  // namespace quarry::pipeline
