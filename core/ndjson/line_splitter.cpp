#include "core/ndjson/line_splitter.hpp"

#include <fmt/format.h>

namespace ochat::ndjson {

void LineSplitter::keep(std::string_view bytes) {
  if (partial_.size() + bytes.size() > max_line_) too_long();
  partial_.append(bytes);
}

void LineSplitter::too_long() const {
  throw Error(ErrorKind::stream,
              max_line_ >= (1u << 20)
                  ? fmt::format("the server sent a line longer than {} MiB", max_line_ >> 20)
                  : fmt::format("the server sent a line longer than {} bytes", max_line_));
}

}  // namespace ochat::ndjson
