#include "quarry/io/source.hpp"

#include "quarry/io/error.hpp"

namespace quarry::io {

void Source::rewind() {
  throw InputError("this input cannot be read twice, and the tool needs two passes over it",
                   "give a CSV or JSON Lines file, or write the data to one first");
}

}  // namespace quarry::io
