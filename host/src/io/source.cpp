#include "quarry/io/source.hpp"

#include "quarry/io/error.hpp"

#include <stdexcept>

namespace quarry::io {

void Source::rewind() {
  throw InputError("this input cannot be read twice, and the tool needs two passes over it",
                   "give a CSV or JSON Lines file, or write the data to one first");
}

std::shared_ptr<const Chunk> Source::read_chunk(std::size_t) const {
  throw std::logic_error("this source has no random access to its chunks");
}

}  // namespace quarry::io
