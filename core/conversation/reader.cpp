#include "core/conversation/reader.hpp"

#include <fmt/format.h>

#include "core/conversation/codec.hpp"
#include "core/error.hpp"

namespace ochat::conversation {
namespace {

using Json = nlohmann::ordered_json;

// How every header begins (encode_header writes "ochat" first).
constexpr std::string_view kHeaderStart = R"({"ochat":"conversation")";

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// A line that may be the start of a header cut by a crash.
bool cut_header(std::string_view line) {
  return line.starts_with(kHeaderStart) || kHeaderStart.starts_with(line);
}

}  // namespace

Transcript read_transcript(std::string_view bytes, std::string_view name, bool notes) {
  Transcript t;
  t.ends_mid_line = !bytes.empty() && bytes.back() != '\n';
  std::size_t pos = 0;
  std::size_t number = 0;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    const bool last = end == std::string_view::npos;
    if (last) end = bytes.size();
    const std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (blank(line)) continue;
    const std::string where = fmt::format("{}:{}", name, number);
    if (t.header) {  // most lines: a message in the common shape
      if (auto e = decode_message_fast(line, where, notes)) {
        e->line = number;
        if (!e->note.settings.empty()) apply(t.settings, e->note.settings);
        t.entries.push_back(std::move(*e));
        continue;
      }
    }
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      if (!t.header && !cut_header(line)) {
        throw Error(
            ErrorKind::internal,
            fmt::format("{} is not an ochat conversation (line {} is not JSON)", name, number));
      }
      t.warnings.push_back(
          fmt::format("{}: skipped an incomplete line{}", where,
                      last ? " (the file ends in the middle of a message: an interrupted write?)"
                           : " (an interrupted write?)"));
      continue;
    }
    if (!t.header) {
      if (!is_header(j)) {
        throw Error(
            ErrorKind::internal,
            fmt::format("{} is not an ochat conversation (line {} is not a conversation header)",
                        name, number));
      }
      t.header = decode_header(j, where);
      t.settings = t.header->settings;
      continue;
    }
    if (is_header(j))
      throw Error(ErrorKind::internal, fmt::format("{}: a second conversation header", where));
    Entry e = decode_message(j, where);
    if (!notes) {
      SavedSettings settings = std::move(e.note.settings);
      e.note = {};
      e.note.settings = std::move(settings);
    }
    e.line = number;
    if (!e.note.settings.empty()) apply(t.settings, e.note.settings);
    t.entries.push_back(std::move(e));
  }
  return t;
}

}  // namespace ochat::conversation
