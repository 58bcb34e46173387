#pragma once
// --resume FILE: which items an earlier run of the batch finished, read from its output.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace ochat::batch {

struct Finished {
  // finished[i]: item i has a result line without "error" in the file.
  std::vector<bool> finished;
  // A hash of each finished item's "input" (0: the line had none), to catch a different input.
  std::vector<std::uint64_t> inputs;
  std::size_t count = 0;    // items marked finished
  std::size_t ignored = 0;  // lines that are not result lines (say, one cut by a crash)

  bool contains(std::size_t index) const noexcept {
    return index < finished.size() && finished[index];
  }
  // False when the file's result for `index` has an "input" other than `input`: the batch is
  // not being resumed with the same input.
  bool same_input(std::size_t index, std::string_view input) const;
};

// Reads result lines (see result_line.hpp) one at a time. A line counts when it is a JSON
// object with a whole non-negative "index" and no "error" (or a null one); the same index may
// appear more than once (a run resumed before), and one success is enough.
Finished read_finished(std::istream& in);

// The same for the file at `path`; throws ochat::Error (usage) naming --resume when it cannot
// be opened or read.
Finished read_finished_file(const std::string& path);

}  // namespace ochat::batch
