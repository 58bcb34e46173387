#pragma once
// Ways to deliver one byte stream as a sequence of reads: all at once, in two reads at every
// possible split point, and one byte at a time. Stream tests assert that each gives the same.
#include <string>
#include <string_view>
#include <vector>

namespace ochat::test {

struct Delivery {
  std::string name;                     // for INFO(): "whole", "split at 17", "byte by byte"
  std::vector<std::string_view> reads;  // views into the original stream
};

inline std::vector<Delivery> all_deliveries(std::string_view stream) {
  std::vector<Delivery> out;
  out.push_back({"whole", {stream}});
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    out.push_back({"split at " + std::to_string(i), {stream.substr(0, i), stream.substr(i)}});
  }
  Delivery bytes{"byte by byte", {}};
  for (std::size_t i = 0; i < stream.size(); ++i) bytes.reads.push_back(stream.substr(i, 1));
  out.push_back(std::move(bytes));
  return out;
}

}  // namespace ochat::test
