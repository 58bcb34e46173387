#include "core/batch/resume.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/events/json_string.hpp"

namespace ochat::batch {

namespace {

// An index is taken only when it is below the number of lines read so far plus this: a file
// ochat wrote (with >> across resumed runs) has a line for every earlier item before item i's,
// so the bound leaves room for files joined in another order, while a corrupt or hostile index
// (say 2^39) cannot make the flags below grow past about 9 bytes a line plus 9 MiB.
constexpr std::uint64_t kIndexSlack = std::uint64_t{1} << 20;

// Of the input as a result line writes it (invalid UTF-8 replaced by U+FFFD, then escaped),
// the one form both an item's bytes and the string read back from its line give. Never 0,
// which stands for "no input recorded".
std::uint64_t input_hash(std::string_view input) {
  std::string written;
  events::append_json_string(written, input);
  return static_cast<std::uint64_t>(std::hash<std::string>{}(written)) | 1;
}

}  // namespace

bool Finished::same_input(std::size_t index, std::string_view input) const {
  if (index >= inputs.size() || inputs[index] == 0) return true;
  return inputs[index] == input_hash(input);
}

Finished read_finished(std::istream& in) {
  Finished done;
  std::string line;
  std::uint64_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto doc = nlohmann::json::parse(line, nullptr, false);
    const auto index = doc.is_object() ? doc.find("index") : doc.end();
    if (!doc.is_object() || index == doc.end() || !index->is_number_unsigned() ||
        index->get<std::uint64_t>() >= lines + kIndexSlack) {
      ++done.ignored;
      continue;
    }
    if (const auto error = doc.find("error"); error != doc.end() && !error->is_null()) continue;
    const auto i = static_cast<std::size_t>(index->get<std::uint64_t>());
    if (done.finished.size() <= i) {
      done.finished.resize(i + 1);
      done.inputs.resize(i + 1);
    }
    if (!done.finished[i]) ++done.count;
    done.finished[i] = true;
    const auto input = doc.find("input");
    done.inputs[i] = input != doc.end() && input->is_string()
                         ? input_hash(input->get_ref<const std::string&>())
                         : 0;
  }
  return done;
}

Finished read_finished_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::usage,
                fmt::format("--resume: cannot open {}: {}", path, std::strerror(errno)),
                "give the file an earlier `ochat --each` wrote its results to");
  }
  Finished done = read_finished(in);
  if (in.bad()) {
    throw Error(ErrorKind::usage, fmt::format("--resume: cannot read {}", path));
  }
  return done;
}

}  // namespace ochat::batch
