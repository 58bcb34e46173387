// libFuzzer target: a conversation file as ochat reads it (a crash, a kill mid-write or a
// person may have left anything in it): read_transcript, the listing's summarize, and --show.
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error; every line the
// fast decoder takes (decode_message_fast) decodes the same through the DOM; for a file that
// reads, (1) writing its header and messages back and reading that gives the same messages and
// settings, and (2) when it has no damaged line, the file cut anywhere after its header still
// reads (a cut last line is skipped), with the messages before the cut intact.
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/conversation/codec.hpp"
#include "core/conversation/lister.hpp"
#include "core/conversation/reader.hpp"
#include "core/conversation/show.hpp"
#include "core/error.hpp"
#include "core/events/event_sink.hpp"

namespace {

using namespace ochat;

void require(bool ok) {
  if (!ok) std::abort();
}

class NullSink final : public events::EventSink {
 public:
  void start(const events::StartInfo&) override {}
  void token(std::string_view) override {}
  void thinking(std::string_view) override {}
  void notice(std::string_view) override {}
  void error(ErrorKind, std::string_view, std::string_view) override {}
  void done(const events::DoneInfo&) override {}
  bool flush() override { return true; }
};

bool same_message(const chat::Message& a, const chat::Message& b) {
  if (a.role != b.role || a.content != b.content || a.thinking != b.thinking ||
      a.tool_name != b.tool_name || a.tool_call_id != b.tool_call_id ||
      a.tool_calls.size() != b.tool_calls.size()) {
    return false;
  }
  if (a.attachments.size() != b.attachments.size()) return false;
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    const auto& x = a.attachments[i];
    const auto& y = b.attachments[i];
    if (x.name != y.name || x.media_type != y.media_type || x.size != y.size ||
        (x.bytes ? *x.bytes : std::string()) != (y.bytes ? *y.bytes : std::string())) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    const auto& x = a.tool_calls[i];
    const auto& y = b.tool_calls[i];
    if (x.id != y.id || x.name != y.name || x.arguments != y.arguments ||
        x.arguments_text != y.arguments_text) {
      return false;
    }
  }
  return true;
}

bool same_note(const conversation::Note& a, const conversation::Note& b) {
  const auto& x = a.message;
  const auto& y = b.message;
  return a.time == b.time && a.settings == b.settings && x.cut == y.cut &&
         x.error_kind == y.error_kind && x.error == y.error && x.done_reason == y.done_reason &&
         x.is_error == y.is_error && x.duration_ms == y.duration_ms &&
         x.stats.prompt_tokens == y.stats.prompt_tokens &&
         x.stats.generated_tokens == y.stats.generated_tokens &&
         x.stats.total_ns == y.stats.total_ns && x.stats.load_ns == y.stats.load_ns &&
         x.stats.prompt_eval_ns == y.stats.prompt_eval_ns && x.stats.eval_ns == y.stats.eval_ns;
}

// Each line the fast decoder takes: the DOM takes it too, and reads the same.
void check_fast_lines(std::string_view in) {
  for (std::size_t pos = 0; pos <= in.size();) {
    std::size_t end = in.find('\n', pos);
    if (end == std::string_view::npos) end = in.size();
    const std::string_view line = in.substr(pos, end - pos);
    pos = end + 1;
    std::optional<conversation::Entry> fast(std::in_place);
    try {
      if (!conversation::decode_message_fast(line, "fuzz", 1, true, fast->message, fast->note))
        continue;
    } catch (const Error&) {
      continue;  // settings of the wrong type: the DOM path throws the same
    }
    const auto j = nlohmann::ordered_json::parse(line, nullptr, false);
    require(!j.is_discarded() && !conversation::is_header(j));
    const auto dom = conversation::decode_message(j, "fuzz:1");
    require(same_message(fast->message, dom.message));
    require(same_note(fast->note, dom.note));
    conversation::Entry lean;
    require(conversation::decode_message_fast(line, "fuzz", 1, false, lean.message, lean.note));
    require(same_message(lean.message, dom.message) && lean.note.settings == dom.note.settings);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check_fast_lines(in);
  try {
    conversation::summarize(in, "fuzz.jsonl");
  } catch (const Error&) {
  }
  conversation::Transcript t;
  try {
    t = conversation::read_transcript(in, "fuzz.jsonl");
  } catch (const Error&) {
    return 0;
  }
  // Read in two pieces, and lean: the same messages, settings and warnings.
  {
    conversation::TranscriptReader pieces("fuzz.jsonl", true);
    const std::size_t split = size == 0 ? 0 : (size * 31) % size;
    pieces.feed(in.substr(0, split));
    pieces.feed(in.substr(split));
    const auto p = pieces.finish();
    require(p.entries.size() == t.entries.size() && p.warnings == t.warnings &&
            p.settings == t.settings && p.ends_mid_line == t.ends_mid_line);
    for (std::size_t i = 0; i < t.entries.size(); ++i)
      require(same_message(p.entries[i].message, t.entries[i].message));
    const auto lean = conversation::read_transcript(in, "fuzz.jsonl", false);
    require(lean.entries.empty() && lean.messages.size() == t.entries.size() &&
            lean.settings == t.settings);
    for (std::size_t i = 0; i < t.entries.size(); ++i)
      require(same_message(lean.messages[i], t.entries[i].message));
  }
  conversation::render_text(t);
  NullSink sink;
  conversation::replay(t, "fuzz.jsonl", sink);
  if (!t.header) return 0;

  // (1) Written back, it reads the same.
  std::string again = conversation::encode_header(*t.header);
  for (const auto& e : t.entries) again += conversation::encode_message(e.message, e.note);
  const auto back = conversation::read_transcript(again, "again.jsonl");
  require(back.header && back.header->settings == t.header->settings);
  require(back.entries.size() == t.entries.size());
  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    require(same_message(back.entries[i].message, t.entries[i].message));
    require(back.entries[i].note.settings == t.entries[i].note.settings);
  }
  require(back.settings == t.settings);
  require(back.warnings.empty());

  // (2) Cut after the header line anywhere: still reads, and keeps the messages before the cut.
  // Only for a file without damaged lines: what a crash leaves is a prefix of a message line,
  // but a line damaged some other way may begin with a whole JSON object that is no message.
  if (!t.warnings.empty()) return 0;
  // header_end: the end of the lines before the first message (the header among them).
  std::size_t header_end = 0;
  std::size_t line = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    std::size_t end = in.find('\n', pos);
    if (end == std::string_view::npos) return 0;
    ++line;
    pos = end + 1;
    const bool before_messages = t.entries.empty() || line < t.entries.front().line;
    if (!before_messages) break;
    header_end = pos;
  }
  if (header_end >= in.size()) return 0;
  const std::size_t cut = header_end + (size * 7919) % (in.size() - header_end);
  const auto part = conversation::read_transcript(in.substr(0, cut), "cut.jsonl");
  require(part.header.has_value());
  std::size_t whole_lines_before = 0;
  for (const auto& e : t.entries) {
    const std::size_t line_end = [&] {
      std::size_t pos = 0;
      for (std::size_t n = 1; n < e.line; ++n) pos = in.find('\n', pos) + 1;
      const std::size_t end = in.find('\n', pos);
      return end == std::string_view::npos ? in.size() : end;
    }();
    if (line_end <= cut) ++whole_lines_before;
  }
  require(part.entries.size() >= whole_lines_before);
  for (std::size_t i = 0; i < whole_lines_before; ++i)
    require(same_message(part.entries[i].message, t.entries[i].message));
  return 0;
}
