#pragma once
//! \file
//! Progress of a run whose reader first scans the whole file (type inference) and
//! then parses it: the scan is the first half of the work, the parse the second.

#include "quarry/tools/tool.hpp"

namespace quarry::pipeline {

//! Forwards to `inner`, shifting the parse pass's byte counts by the file size so
//! the client sees one monotonic bar from 0 to 2 × file size.
class TwoPassProgress final : public tools::CallContext {
 public:
  TwoPassProgress(tools::CallContext& inner, double file_bytes)
      : inner_(inner), file_bytes_(file_bytes) {}
  bool cancelled() const override { return inner_.cancelled(); }
  void progress(double done, std::optional<double>, std::string_view message) override {
    inner_.progress(file_bytes_ + done, 2 * file_bytes_, message);
  }
  void log(tools::MessageLevel level, const nlohmann::json& data,
           std::string_view logger) override {
    inner_.log(level, data, logger);
  }

 private:
  tools::CallContext& inner_;
  double file_bytes_;
};

}  // namespace quarry::pipeline
