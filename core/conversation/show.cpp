#include "core/conversation/show.hpp"

#include <fmt/format.h>

#include <deque>

#include "core/conversation/codec.hpp"
#include "core/conversation/lister.hpp"
#include "core/events/stats.hpp"

namespace ochat::conversation {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kResultBytes = 200;

std::string arguments_text(const chat::ToolCall& call) {
  if (!call.arguments_text.empty()) return call.arguments_text;
  return call.arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A tool's result in a few lines: at most kResultBytes bytes, on a character boundary.
std::string summarised(const std::string& text) {
  if (text.size() <= kResultBytes) return text;
  std::size_t n = kResultBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return fmt::format("{}... ({} bytes in all)", text.substr(0, n), text.size());
}

std::string cut_text(const chat::MessageNote& note) {
  switch (note.cut) {
    case chat::Cut::none:
      return {};
    case chat::Cut::interrupted:
      return "[cut: interrupted (SIGINT)]";
    case chat::Cut::terminated:
      return "[cut: terminated (SIGTERM)]";
    case chat::Cut::output_closed:
      return "[cut: the output was closed]";
    case chat::Cut::error:
      return fmt::format("[cut: {}]", note.error.empty() ? "error" : note.error);
  }
  return {};
}

}  // namespace

std::string render_text(const Transcript& t) {
  std::string out;
  auto section = [&](const std::string& heading) {
    if (!out.empty()) out += "\n";
    out += heading + "\n";
  };
  auto text = [&](const std::string& body) {
    if (body.empty()) return;
    out += body;
    if (body.back() != '\n') out += "\n";
  };
  for (const auto& e : t.entries) {
    const chat::Message& m = e.message;
    if (m.role == "tool") {
      section(fmt::format("[tool result: {}]{}", m.tool_name.empty() ? "?" : m.tool_name,
                          e.note.message.is_error ? " (error)" : ""));
      text(summarised(m.content));
    } else {
      section("[" + m.role + "]");
      for (const auto& a : m.attachments) {
        out += fmt::format("(attached: {}, {}, {} bytes)\n", a.name, a.media_type, a.size);
      }
      if (!m.thinking.empty()) out += fmt::format("(thinking: {} bytes)\n", m.thinking.size());
      text(m.content);
      for (const auto& call : m.tool_calls)
        out += fmt::format("-> {} {}\n", call.name, arguments_text(call));
    }
    if (const std::string cut = cut_text(e.note.message); !cut.empty()) out += cut + "\n";
  }
  return out;
}

void replay(const Transcript& t, const std::string& path, events::EventSink& sink) {
  SavedSettings settings = t.header ? t.header->settings : SavedSettings{};
  bool in_turn = false;
  bool replied = false;
  events::Stats stats;
  const chat::MessageNote* last_note = nullptr;
  std::deque<std::string> pending_ids;  // ids of the calls not answered yet
  int call_number = 0;
  std::vector<const Entry*> waiting;  // system messages before a turn's start

  auto end_turn = [&] {
    if (!in_turn) return;
    std::string reason = "stop";
    if (last_note != nullptr) {
      switch (last_note->cut) {
        case chat::Cut::none:
          reason = last_note->done_reason == "length" ? "length" : "stop";
          break;
        case chat::Cut::interrupted:
        case chat::Cut::terminated:
        case chat::Cut::output_closed:
          reason = "interrupted";
          break;
        case chat::Cut::error:
          sink.error(last_note->error_kind.value_or(ErrorKind::internal), last_note->error, {});
          reason = "error";
          break;
      }
    }
    sink.done({reason, stats});
    in_turn = replied = false;
    stats = {};
    last_note = nullptr;
    pending_ids.clear();
    call_number = 0;
  };
  // `user`: the message that begins the turn, whose attachments the `start` event lists.
  auto start_turn = [&](std::size_t first_index, const chat::Message* user) {
    std::vector<events::AttachmentInfo> attachments;
    if (user != nullptr) {
      for (const auto& a : user->attachments) attachments.push_back({a.name, a.media_type, a.size});
    }
    sink.start({settings.model, settings.host, std::move(attachments), path, first_index});
    in_turn = true;
    for (const Entry* w : waiting) sink.message(w->message.role, w->message.content);
    waiting.clear();
  };

  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    const Entry& e = t.entries[i];
    const chat::Message& m = e.message;
    if (m.role == "assistant" || m.role == "tool") {
      if (!in_turn) start_turn(i - waiting.size(), nullptr);
      replied = true;
      last_note = &e.note.message;
      if (m.role == "tool") {
        std::string id = m.tool_call_id;
        if (!pending_ids.empty()) {
          if (id.empty()) id = pending_ids.front();
          pending_ids.pop_front();
        }
        sink.tool_result({id, m.tool_name, m.content, e.note.message.is_error,
                          e.note.message.duration_ms.value_or(0)});
        continue;
      }
      events::accumulate(stats, e.note.message.stats);
      if (!m.thinking.empty()) sink.thinking(m.thinking);
      if (!m.content.empty()) sink.token(m.content);
      for (const auto& call : m.tool_calls) {
        const std::string id = call.id.empty() ? fmt::format("call_{}", ++call_number) : call.id;
        pending_ids.push_back(id);
        sink.tool_call({id, call.name, &call.arguments});
      }
      continue;
    }
    // A user or system message: after a reply, it begins the next turn.
    if (replied) end_turn();
    if (m.role == "user") {
      apply(settings, e.note.settings);
      if (!in_turn) start_turn(i - waiting.size(), &m);
      sink.message(m.role, m.content);
    } else if (in_turn) {
      sink.message(m.role, m.content);
    } else {
      waiting.push_back(&e);
    }
  }
  if (!in_turn && !waiting.empty()) start_turn(t.entries.size() - waiting.size(), nullptr);
  end_turn();
  sink.flush();
}

}  // namespace ochat::conversation
