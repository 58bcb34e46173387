#include "core/ndjson/line_splitter.hpp"

#include <fmt/format.h>

namespace ochat::ndjson {

void LineSplitter::keep(std::string_view bytes) {
  if (partial_.size() + bytes.size() > max_line_) {
    throw Error(ErrorKind::stream,
                fmt::format("the server sent a line longer than {} MiB", max_line_ >> 20));
  }
  partial_.append(bytes);
}

}  // namespace ochat::ndjson
