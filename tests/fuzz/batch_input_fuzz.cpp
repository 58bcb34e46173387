// libFuzzer target: what a batch reads from the user: the items (ochat --each, --each-jsonl),
// in reads the input cuts anywhere, and a --resume file (its earlier output, perhaps cut by a
// crash or edited).
//
// Input layout: byte 0 picks the read sizes (1 to 16 bytes, or all at once); the rest is the
// input.
//
// Oracle: no crash, no sanitizer report, no exception (the readers never throw for what they
// read); the plain items are exactly the input's non-blank lines, in order, without their
// "\r\n" or "\n", whatever the reads; a JSON Lines item either has an error or a prompt from a
// valid object; every item's result line is one line of valid JSON that --resume reads back as
// finished, with the same input; the resume reader's counts stay within the lines it read.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/item.hpp"
#include "core/batch/item_reader.hpp"
#include "core/batch/item_result.hpp"
#include "core/batch/result_line.hpp"
#include "core/batch/resume.hpp"

namespace {

using namespace ochat;

void require(bool ok) {
  if (!ok) std::abort();
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The reference for --each: split at '\n', drop one trailing '\r', skip blank lines.
std::vector<std::string> reference_lines(std::string_view in) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < in.size();) {
    std::size_t end = in.find('\n', pos);
    if (end == std::string_view::npos) end = in.size();
    std::string_view line = in.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!blank(line)) out.emplace_back(line);
  }
  return out;
}

std::vector<batch::Item> read_all(std::string_view in, std::size_t step, batch::ItemFormat format) {
  std::size_t at = 0;
  batch::ItemReader reader(
      [&](char* buffer, std::size_t size) {
        const std::size_t n = std::min({size, step, in.size() - at});
        std::memcpy(buffer, in.data() + at, n);
        at += n;
        return n;
      },
      format);
  std::vector<batch::Item> items;
  while (auto item = reader.next()) items.push_back(std::move(*item));
  require(reader.count() == items.size());
  return items;
}

void check_result_line(const batch::Item& item) {
  batch::ItemResult r;
  r.index = item.index;
  r.id = item.id;
  r.input = item.input;
  r.output = item.input;
  const std::string line = batch::result_line(r);
  require(!line.empty() && line.back() == '\n' && line.find('\n') == line.size() - 1);
  require(!nlohmann::ordered_json::parse(line, nullptr, false).is_discarded());
  std::istringstream back(line);
  const auto finished = batch::read_finished(back);
  require(finished.count == 1 && finished.contains(item.index));
  require(finished.same_input(item.index, item.input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = data[0] % 17 == 0 ? size : data[0] % 17;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  // --each: the non-blank lines, the same in any reads.
  const auto plain = read_all(in, step, batch::ItemFormat::lines);
  const auto expected = reference_lines(in);
  require(plain.size() == expected.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    require(plain[i].index == i && plain[i].input == expected[i] && !plain[i].error);
    require(batch::item_message(plain[i], "p") == expected[i] + "\n\np");
  }
  if (!plain.empty()) check_result_line(plain.back());

  // --each-jsonl: the same lines; each an item or an item's error.
  const auto jsonl = read_all(in, step, batch::ItemFormat::jsonl);
  require(jsonl.size() == expected.size());
  for (std::size_t i = 0; i < jsonl.size(); ++i) {
    const auto& item = jsonl[i];
    require(item.index == i);
    const auto j = nlohmann::ordered_json::parse(expected[i], nullptr, false);
    if (item.error) {
      // The line, or the prompt when a later field was the wrong one.
      require(item.input == expected[i] ||
              (j.is_object() && j.contains("prompt") && j["prompt"].is_string() &&
               item.input == j["prompt"].get<std::string>()));
      check_result_line(item);
      continue;
    }
    require(j.is_object() && j.contains("prompt") && j["prompt"].is_string());
    require(item.input == j["prompt"].get<std::string>());
    require(!item.id || item.id->is_string() || item.id->is_number());
    require(item.options.is_object());
    check_result_line(item);
  }

  // --resume over the same bytes: never more finished items than lines.
  std::istringstream resume{std::string(in)};
  const auto finished = batch::read_finished(resume);
  const auto lines = static_cast<std::size_t>(std::count(in.begin(), in.end(), '\n')) + 1;
  require(finished.count <= lines && finished.ignored <= lines);
  require(finished.finished.size() == finished.inputs.size());
  for (std::size_t i = 0; i < finished.finished.size(); ++i) {
    if (finished.contains(i)) (void)finished.same_input(i, "x");
  }
  return 0;
}
