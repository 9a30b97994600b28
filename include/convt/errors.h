// Exceptions thrown by convt. Argument problems are std::invalid_argument
// (TypeError for a wrong kind or dtype, ValueError for a wrong value); a failure
// inside a kernel is RuntimeError. Nothing in convt aborts the process.
#pragma once

#include <stdexcept>
#include <string>

namespace convt {

class TypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace convt
