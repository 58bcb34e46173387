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

void TranscriptReader::reserve(std::size_t bytes) {
  // Lines are rarely shorter than this; what is reserved and never used is never touched.
  const std::size_t lines = bytes / 96 + 16;
  if (notes_) {
    t_.entries.reserve(lines);
  } else {
    t_.messages.reserve(lines);
  }
}

void TranscriptReader::feed(std::string_view bytes) {
  if (bytes.empty()) return;
  any_ = true;
  last_byte_ = bytes.back();
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) {
      partial_.append(bytes.substr(pos));
      return;
    }
    if (partial_.empty()) {
      line(bytes.substr(pos, end - pos), false);
    } else {
      partial_.append(bytes.substr(pos, end - pos));
      line(partial_, false);
      partial_.clear();
    }
    pos = end + 1;
  }
}

Transcript TranscriptReader::finish() {
  if (!partial_.empty()) {
    line(partial_, true);
    partial_.clear();
  }
  t_.ends_mid_line = any_ && last_byte_ != '\n';
  return std::move(t_);
}

void TranscriptReader::line(std::string_view line, bool last) {
  ++number_;
  if (blank(line)) return;
  if (t_.header) {  // most lines: a message in the common shape, decoded in place
    if (notes_) {
      Entry& e = t_.entries.emplace_back();
      if (decode_message_fast(line, name_, number_, true, e.message, e.note)) {
        e.line = number_;
        if (!e.note.settings.empty()) apply(t_.settings, e.note.settings);
        return;
      }
      t_.entries.pop_back();
    } else {
      chat::Message& m = t_.messages.emplace_back();
      scratch_.settings = {};
      if (decode_message_fast(line, name_, number_, false, m, scratch_)) {
        if (!scratch_.settings.empty()) apply(t_.settings, scratch_.settings);
        return;
      }
      t_.messages.pop_back();
    }
  }
  const std::string where = fmt::format("{}:{}", name_, number_);
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    if (!t_.header && !cut_header(line)) {
      throw Error(
          ErrorKind::internal,
          fmt::format("{} is not an ochat conversation (line {} is not JSON)", name_, number_));
    }
    t_.warnings.push_back(
        fmt::format("{}: skipped an incomplete line{}", where,
                    last ? " (the file ends in the middle of a message: an interrupted write?)"
                         : " (an interrupted write?)"));
    return;
  }
  if (!t_.header) {
    if (!is_header(j)) {
      throw Error(
          ErrorKind::internal,
          fmt::format("{} is not an ochat conversation (line {} is not a conversation header)",
                      name_, number_));
    }
    t_.header = decode_header(j, where);
    t_.settings = t_.header->settings;
    return;
  }
  if (is_header(j))
    throw Error(ErrorKind::internal, fmt::format("{}: a second conversation header", where));
  Entry e = decode_message(j, where);
  if (!e.note.settings.empty()) apply(t_.settings, e.note.settings);
  if (notes_) {
    e.line = number_;
    t_.entries.push_back(std::move(e));
  } else {
    t_.messages.push_back(std::move(e.message));
  }
}

Transcript read_transcript(std::string_view bytes, std::string_view name, bool notes) {
  TranscriptReader reader{std::string(name), notes};
  reader.reserve(bytes.size());
  reader.feed(bytes);
  return reader.finish();
}

}  // namespace ochat::conversation
