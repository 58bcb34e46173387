#include "core/conversation/codec.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "core/error.hpp"
#include "core/events/stats.hpp"
#include "core/text/base64.hpp"
#include "core/text/json_scanner.hpp"

namespace ochat::conversation {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::pair<chat::Cut, std::string_view>, 4> kCuts = {{
    {chat::Cut::interrupted, "interrupted"},
    {chat::Cut::terminated, "terminated"},
    {chat::Cut::output_closed, "output_closed"},
    {chat::Cut::error, "error"},
}};

constexpr std::array<ErrorKind, 6> kKinds = {ErrorKind::internal, ErrorKind::usage,
                                             ErrorKind::connect,  ErrorKind::http,
                                             ErrorKind::stream,   ErrorKind::timeout};

std::string compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}
std::string dump(const Json& j) { return compact(j) + "\n"; }

[[noreturn]] void bad(std::string_view where, std::string_view what) {
  throw Error(ErrorKind::internal, fmt::format("{}: {}", where, what));
}

// ---- settings ----

constexpr std::array<std::pair<ToolEntry::Kind, const char*>, 4> kToolKinds = {{
    {ToolEntry::Kind::plugin, "plugin"},
    {ToolEntry::Kind::tools_dir, "tools_dir"},
    {ToolEntry::Kind::mcp, "mcp"},
    {ToolEntry::Kind::mcp_config, "mcp_config"},
}};

Json tools_json(const std::vector<ToolEntry>& tools) {
  Json list = Json::array();
  for (const auto& t : tools) {
    for (const auto& [kind, name] : kToolKinds) {
      if (kind == t.kind) list.push_back({{name, t.value}});
    }
  }
  return list;
}

Json settings_json(const SavedSettings& s) {
  Json j = Json::object();
  if (!s.api.empty()) j["api"] = s.api;
  if (!s.host.empty()) j["host"] = s.host;
  if (!s.model.empty()) j["model"] = s.model;
  if (!s.options.empty()) j["options"] = s.options;
  if (s.tools) j["tools"] = tools_json(*s.tools);
  return j;
}

std::string string_member(const Json& j, const char* name, std::string_view where,
                          std::string_view context) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) bad(where, fmt::format("{}'{}' is not a string", context, name));
  return it->get<std::string>();
}

std::vector<ToolEntry> decode_tools(const Json& list, std::string_view where) {
  if (!list.is_array()) bad(where, "settings: 'tools' is not an array");
  std::vector<ToolEntry> tools;
  for (const auto& item : list) {
    if (!item.is_object() || item.size() != 1 || !item.begin()->is_string()) {
      bad(where,
          "settings: each entry of 'tools' must be one of {\"plugin\": ...}, {\"tools_dir\": ...}, "
          "{\"mcp\": ...}, {\"mcp_config\": ...}");
    }
    const std::string& name = item.begin().key();
    bool known = false;
    for (const auto& [kind, kind_name] : kToolKinds) {
      if (name != kind_name) continue;
      tools.push_back({kind, item.begin()->get<std::string>()});
      known = true;
    }
    if (!known) bad(where, fmt::format("settings: unknown kind of tool '{}'", name));
  }
  return tools;
}

SavedSettings decode_settings(const Json& j, std::string_view where) {
  SavedSettings s;
  if (j.is_null()) return s;
  if (!j.is_object()) bad(where, "'settings' is not an object");
  s.api = string_member(j, "api", where, "settings: ");
  if (!s.api.empty() && s.api != "ollama" && s.api != "openai") {
    bad(where, fmt::format("settings: 'api' is '{}', not ollama or openai", s.api));
  }
  s.host = string_member(j, "host", where, "settings: ");
  s.model = string_member(j, "model", where, "settings: ");
  if (const auto it = j.find("options"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) bad(where, "settings: 'options' is not an object");
    if (!it->empty()) s.options = *it;
  }
  if (const auto it = j.find("tools"); it != j.end() && !it->is_null())
    s.tools = decode_tools(*it, where);
  return s;
}

// ---- messages ----

// An image's media type from its first bytes, for images a person added by hand (ochat writes
// each one's type with it).
std::string image_type(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG")) return "image/png";
  if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (bytes.starts_with("GIF8")) return "image/gif";
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP")
    return "image/webp";
  return "image/png";
}

// The images as Ollama's `images` (base64), and every attachment's name, type and size under
// "ochat" (text files: their text is already in the content).
void attachments_json(const chat::Message& m, Json& line, Json& own) {
  Json images = Json::array();
  Json list = Json::array();
  for (const auto& a : m.attachments) {
    list.push_back({{"name", a.name}, {"type", a.media_type}, {"size", a.size}});
    if (a.is_image() && a.bytes) {
      std::string text;
      text::base64_append(*a.bytes, text);
      images.push_back(std::move(text));
    }
  }
  if (!images.empty()) line["images"] = std::move(images);
  if (!list.empty()) own["attachments"] = std::move(list);
}

// The attachments of a message line: each image of `images` (decoded) with the name and type
// its entry under "ochat" gives, the text files as entries alone (no bytes).
std::vector<chat::Attachment> decode_attachments(const Json& line, std::string_view where) {
  std::vector<std::string> images;
  if (const auto it = line.find("images"); it != line.end() && !it->is_null()) {
    if (!it->is_array()) bad(where, "'images' is not an array");
    for (const auto& image : *it) {
      std::optional<std::string> bytes;
      if (image.is_string()) bytes = text::base64_decode(image.get<std::string>());
      if (!bytes) bad(where, "an entry of 'images' is not an image in base64");
      images.push_back(std::move(*bytes));
    }
  }
  std::vector<chat::Attachment> out;
  std::size_t next = 0;
  const auto own = line.find("ochat");
  if (own != line.end() && own->is_object()) {
    if (const auto list = own->find("attachments"); list != own->end() && list->is_array()) {
      for (const auto& entry : *list) {
        if (!entry.is_object()) continue;
        const auto name = entry.find("name");
        const auto type = entry.find("type");
        // An entry edited into something else is skipped, as one that is not an object is.
        if ((name != entry.end() && !name->is_string()) ||
            (type != entry.end() && !type->is_string()))
          continue;
        chat::Attachment a;
        if (name != entry.end()) a.name = name->get<std::string>();
        if (type != entry.end()) a.media_type = type->get<std::string>();
        if (auto size = entry.find("size"); size != entry.end() && size->is_number_unsigned()) {
          a.size = size->get<std::uint64_t>();
        }
        if (a.is_image()) {
          if (next == images.size()) continue;  // its image was removed by hand
          a.size = images[next].size();
          a.bytes = std::make_shared<const std::string>(std::move(images[next++]));
        } else if (a.media_type.empty()) {
          continue;
        }
        out.push_back(std::move(a));
      }
    }
  }
  for (; next < images.size(); ++next) {  // images without ochat's entry (added by hand)
    chat::Attachment a;
    a.name = "image";
    a.media_type = image_type(images[next]);
    a.size = images[next].size();
    a.bytes = std::make_shared<const std::string>(std::move(images[next]));
    out.push_back(std::move(a));
  }
  return out;
}

Json tool_calls_json(const std::vector<chat::ToolCall>& calls) {
  Json list = Json::array();
  int index = 0;
  for (const auto& call : calls) {
    Json c = Json::object();
    if (!call.id.empty()) c["id"] = call.id;
    c["function"] = {{"index", index++}, {"name", call.name}, {"arguments", call.arguments}};
    // The OpenAI protocol sends arguments as text: kept as sent, so that they go back unchanged.
    if (!call.arguments_text.empty() && call.arguments_text != compact(call.arguments)) {
      c["ochat"] = {{"arguments_text", call.arguments_text}};
    }
    list.push_back(std::move(c));
  }
  return list;
}

Json note_json(const Note& note) {
  Json j = Json::object();
  if (!note.time.empty()) j["time"] = note.time;
  const chat::MessageNote& m = note.message;
  if (m.cut != chat::Cut::none) j["cut"] = cut_name(m.cut);
  if (m.cut == chat::Cut::error) {
    j["error"] = {{"kind", m.error_kind ? kind_name(*m.error_kind) : "internal"},
                  {"message", m.error}};
  }
  if (!m.done_reason.empty()) j["done_reason"] = m.done_reason;
  Json stats = Json::object();
  for (const auto& [member, name] : events::kStatsFields) {
    if (m.stats.*member) stats[name] = *(m.stats.*member);
  }
  if (!stats.empty()) j["stats"] = std::move(stats);
  if (m.is_error) j["is_error"] = true;
  if (m.duration_ms) j["duration_ms"] = *m.duration_ms;
  if (!note.settings.empty()) j["settings"] = settings_json(note.settings);
  return j;
}

chat::Cut parse_cut(const std::string& name) {
  for (const auto& [cut, text] : kCuts) {
    if (name == text) return cut;
  }
  return chat::Cut::error;
}

// ochat's own fields, read leniently: a value of the wrong type is left out.
Note decode_note(const Json& j, std::string_view where) {
  Note note;
  if (!j.is_object()) return note;
  if (auto it = j.find("time"); it != j.end() && it->is_string())
    note.time = it->get<std::string>();
  chat::MessageNote& m = note.message;
  if (auto it = j.find("cut"); it != j.end() && it->is_string()) {
    m.cut = parse_cut(it->get<std::string>());
    if (m.cut == chat::Cut::error) m.error = "cut: " + it->get<std::string>();
  }
  if (auto it = j.find("error"); it != j.end() && it->is_object()) {
    if (auto msg = it->find("message"); msg != it->end() && msg->is_string())
      m.error = msg->get<std::string>();
    if (auto kind = it->find("kind"); kind != it->end() && kind->is_string()) {
      for (ErrorKind k : kKinds) {
        if (kind_name(k) == kind->get<std::string>()) m.error_kind = k;
      }
    }
  }
  if (auto it = j.find("done_reason"); it != j.end() && it->is_string())
    m.done_reason = it->get<std::string>();
  if (auto it = j.find("stats"); it != j.end() && it->is_object()) {
    for (const auto& [member, name] : events::kStatsFields) {
      if (auto v = it->find(name); v != it->end() && v->is_number_integer())
        m.stats.*member = v->get<std::int64_t>();
    }
  }
  if (auto it = j.find("is_error"); it != j.end() && it->is_boolean()) m.is_error = it->get<bool>();
  if (auto it = j.find("duration_ms"); it != j.end() && it->is_number_integer()) {
    m.duration_ms = it->get<std::int64_t>();
  }
  // Settings decide what a continuation sends: a malformed one is an error, not ignored.
  if (auto it = j.find("settings"); it != j.end()) note.settings = decode_settings(*it, where);
  return note;
}

chat::ToolCall decode_tool_call(const Json& c, std::string_view where) {
  if (!c.is_object()) bad(where, "an entry of 'tool_calls' is not an object");
  chat::ToolCall call;
  call.id = string_member(c, "id", where, "tool_calls: ");
  const auto fn = c.find("function");
  if (fn == c.end() || !fn->is_object()) bad(where, "a tool call has no 'function' object");
  call.name = string_member(*fn, "name", where, "tool_calls: function: ");
  if (call.name.empty()) bad(where, "a tool call has no function name");
  if (const auto args = fn->find("arguments"); args != fn->end() && !args->is_null()) {
    if (args->is_object()) {
      call.arguments = *args;
    } else if (args->is_string()) {  // the OpenAI shape, written by hand
      Json parsed = Json::parse(args->get<std::string>(), nullptr, false);
      if (!parsed.is_object())
        bad(where, fmt::format("the arguments of tool call '{}' are not a JSON object", call.name));
      call.arguments = std::move(parsed);
      call.arguments_text =
          args->get<std::string>();  // kept as written unless that is the plain form
    } else {
      bad(where, fmt::format("the arguments of tool call '{}' are not a JSON object", call.name));
    }
  }
  if (const auto own = c.find("ochat"); own != c.end() && own->is_object()) {
    if (const auto text = own->find("arguments_text"); text != own->end() && text->is_string()) {
      // Only while it still says what `arguments` says (a hand edit of the arguments wins).
      if (Json::parse(text->get<std::string>(), nullptr, false) == call.arguments) {
        call.arguments_text = text->get<std::string>();
      }
    }
  }
  if (call.arguments_text == compact(call.arguments)) call.arguments_text.clear();
  return call;
}

}  // namespace

std::string cut_name(chat::Cut cut) {
  for (const auto& [c, text] : kCuts) {
    if (c == cut) return std::string(text);
  }
  return {};
}

std::string encode_header(const Header& header) {
  Json j = Json::object();
  j["ochat"] = "conversation";
  j["version"] = header.version;
  j["created"] = header.created;
  j["settings"] = settings_json(header.settings);
  return dump(j);
}

std::string encode_message(const chat::Message& m, const Note& note) {
  Json j = Json::object();
  j["role"] = m.role;
  j["content"] = m.content;
  if (!m.thinking.empty()) j["thinking"] = m.thinking;
  Json own = note_json(note);
  attachments_json(m, j, own);
  if (!m.tool_calls.empty()) j["tool_calls"] = tool_calls_json(m.tool_calls);
  if (!m.tool_name.empty()) j["tool_name"] = m.tool_name;
  if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
  if (!own.empty()) j["ochat"] = std::move(own);
  return dump(j);
}

bool decode_message_fast(std::string_view line, std::string_view file, std::size_t number,
                         bool notes, chat::Message& m, Note& note) {
  text::JsonScanner r(line);
  if (!r.eat('{') || r.peek('}')) return false;
  std::string name;
  unsigned seen = 0;  // one bit per member
  std::string_view own;
  do {
    if (!r.key(name)) return false;
    std::string* target = nullptr;
    unsigned bit = 0;
    if (name == "role") {
      target = &m.role, bit = 1;
    } else if (name == "content") {
      target = &m.content, bit = 2;
    } else if (name == "thinking") {
      target = &m.thinking, bit = 4;
    } else if (name == "tool_name") {
      target = &m.tool_name, bit = 8;
    } else if (name == "tool_call_id") {
      target = &m.tool_call_id, bit = 16;
    } else if (name == "ochat") {
      bit = 32;
    } else {
      return false;
    }
    if ((seen & bit) != 0) return false;  // a member given twice: the DOM decides
    seen |= bit;
    if (target != nullptr) {
      if (!r.string(target)) return false;
    } else {
      if (!r.peek('{')) return false;
      const std::size_t start = r.position();
      if (!r.skip_value()) return false;
      own = line.substr(start, r.position() - start);
    }
  } while (r.eat(','));
  if (!r.eat('}') || !r.at_end() || m.role.empty()) return false;
  // Attachments (a text file's name, type and size) are read by the DOM decoder.
  if (own.find(R"("attachments")") != std::string_view::npos) return false;
  if (!own.empty() && (notes || own.find(R"("settings")") != std::string_view::npos)) {
    const Json j = Json::parse(own, nullptr, false);
    if (j.is_discarded()) return false;
    note = decode_note(j, fmt::format("{}:{}", file, number));
    if (!notes) {
      SavedSettings settings = std::move(note.settings);
      note = {};
      note.settings = std::move(settings);
    }
  }
  return true;
}

bool is_header(const Json& line) {
  if (!line.is_object()) return false;
  const auto it = line.find("ochat");
  return it != line.end() && it->is_string() && it->get<std::string>() == "conversation";
}

Header decode_header(const Json& line, std::string_view where) {
  Header h;
  const auto version = line.find("version");
  if (version == line.end() || !version->is_number_integer()) {
    bad(where, "the conversation header has no format version");
  }
  const auto v = version->get<std::int64_t>();
  if (v != kFormatVersion) {
    throw Error(
        ErrorKind::internal,
        fmt::format("{}: the conversation is in format version {}; this ochat reads version {}",
                    where, v, kFormatVersion),
        v > kFormatVersion ? "it was written by a newer ochat" : "");
  }
  h.version = kFormatVersion;
  if (const auto c = line.find("created"); c != line.end() && c->is_string())
    h.created = c->get<std::string>();
  if (const auto s = line.find("settings"); s != line.end())
    h.settings = decode_settings(*s, where);
  return h;
}

Entry decode_message(const Json& line, std::string_view where) {
  if (!line.is_object()) bad(where, "the line is not a JSON object (a message)");
  Entry e;
  chat::Message& m = e.message;
  const auto role = line.find("role");
  if (role == line.end() || !role->is_string() || role->get<std::string>().empty()) {
    bad(where, "the line is not a message: it has no 'role'");
  }
  m.role = role->get<std::string>();
  m.content = string_member(line, "content", where, "");
  m.thinking = string_member(line, "thinking", where, "");
  if (const auto calls = line.find("tool_calls"); calls != line.end() && !calls->is_null()) {
    if (!calls->is_array()) bad(where, "'tool_calls' is not an array");
    for (const auto& c : *calls) m.tool_calls.push_back(decode_tool_call(c, where));
  }
  m.tool_name = string_member(line, "tool_name", where, "");
  m.tool_call_id = string_member(line, "tool_call_id", where, "");
  m.attachments = decode_attachments(line, where);
  if (const auto own = line.find("ochat"); own != line.end()) e.note = decode_note(*own, where);
  return e;
}

}  // namespace ochat::conversation
