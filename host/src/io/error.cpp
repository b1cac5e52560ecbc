#include "quarry/io/error.hpp"

#include <cerrno>

#include <utility>

namespace quarry::io {

InputError& InputError::with_errno(int error) noexcept {
  switch (error) {
    case EAGAIN:
    case EINTR:
    case EIO:
    case EBUSY:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case ESTALE:
    case ETIMEDOUT:
      transient_ = true;
      break;
    default:
      break;
  }
  return *this;
}
namespace {

std::string compose(const std::string& problem, const std::string& fix,
                    const ErrorLocation& where) {
  std::string text;
  if (!where.file.empty()) text.append(where.file);
  if (where.line != 0) {
    text.append(where.file.empty() ? "line " : ":");
    text.append(std::to_string(where.line));
  }
  if (!text.empty()) text.append(": ");
  if (!where.column.empty()) text.append("column '").append(where.column).append("': ");
  text.append(problem);
  if (!fix.empty()) text.append(". Fix: ").append(fix);
  return text;
}

}  // namespace

InputError::InputError(std::string problem, std::string fix, ErrorLocation where)
    : std::runtime_error(compose(problem, fix, where)),
      problem_(std::move(problem)),
      fix_(std::move(fix)),
      where_(std::move(where)) {}

}  // namespace quarry::io
