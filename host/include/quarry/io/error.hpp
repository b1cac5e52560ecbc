#pragma once
//! \file
//! Errors raised while reading or writing data: what is wrong, where, and how to fix it.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace quarry::io {

//! Where in the input a problem was found. Empty/zero members are unknown.
struct ErrorLocation {
  //! The file (or "<arrow>" for imported arrays); may be empty.
  std::string file;
  //! 1-based physical line in the file; 0 when not line-oriented.
  std::uint64_t line = 0;
  //! The column name; may be empty.
  std::string column;
};

//! Malformed or unacceptable input. `what()` reads
//! "FILE:LINE: column 'C': PROBLEM. Fix: FIX" with unknown parts left out.
class InputError : public std::runtime_error {
 public:
  //! `problem` says what is wrong, `fix` what the user can do about it.
  InputError(std::string problem, std::string fix, ErrorLocation where = {});

  //! What is wrong, without location or fix.
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
  //! What the user can do about it.
  [[nodiscard]] const std::string& fix() const noexcept { return fix_; }
  //! Where the problem was found.
  [[nodiscard]] const ErrorLocation& where() const noexcept { return where_; }
  //! True when trying again later may succeed (the system was busy, out of file
  //! handles, or an I/O operation failed or timed out), as opposed to bad data.
  [[nodiscard]] bool transient() const noexcept { return transient_; }
  //! Marks the error transient when `error` (an errno value) is one that may pass.
  InputError& with_errno(int error) noexcept;

 private:
  std::string problem_;
  std::string fix_;
  ErrorLocation where_;
  bool transient_ = false;
};

//! Thrown when a read was stopped because its cancellation hook returned true.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("the read was cancelled") {}
};

//! A failure of the operating system or a library while writing output.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace quarry::io
