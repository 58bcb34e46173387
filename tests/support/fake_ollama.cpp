// Fake Ollama server: HTTP/1.1 over plain POSIX sockets, one thread per connection.
//
// Scenarios (request "model" = NAME or NAME:ARG; every chunk echoes the model string verbatim):
//   text              "Hello", ",", " world", "!" then done
//   escapes           Go-escaping tokens (kEscapesText); one token hand-written with \ud83d\ude00
//   hostile           kHostileText (terminal escape sequences) in two tokens
//   split             escape-heavy tokens (kSplitText); body written in tiny pieces, each its own
//                     HTTP chunk + 2 ms sleep, cut inside lines, UTF-8 sequences and \u escapes,
//                     and one piece holding three whole lines
//   many:N            N tokens "w<i> ", pre-rendered in big batches (N defaults to 1000)
//   slow:MS           100 tokens "s<i> ", one every MS ms (default 100); stops when the client goes
//   gpu               20 tokens "g<i> ", the first after 50 ms, then one every 5 ms (benchmarks)
//   think             thinking "Let me", " think", "." ; then thinking "!" + content "Answer" in
//   one
//                     chunk; then " is 42"; then done
//   done-content      "Hi", then the done chunk carrying " there"
//   length            "a", "b", done_reason "length"
//   midstream-error   "partial", " answer", {"error":"..."} line, clean end, no done chunk
//   drop              "partial", then close without the terminating chunk (drop:rst = RST)
//   no-done           "x", "y", clean end without a done chunk
//   garbage           "ok", a line "<html>proxy error</html>", done
//   stall             headers, then nothing until the client leaves or the server stops
//   stall-headers     nothing at all until the client leaves or the server stops
//   no-newline        one done chunk with content "done without newline" and no trailing '\n'
//   status:CODE       the real Ollama error body for CODE (400 401 403 429 499 500 503)
//   echo              the content of the last request message as one token
//   no-vision         a request with images: 500 with the error of a model that has no vision
//                     projector; otherwise like echo
//   load:MS           waits MS ms (default 1000) before sending anything, then like "text"
//   tool / tool-done  tool calls (extra, see make_plan)
//   tool-length       like tool, but the done chunk's done_reason is "length"
//   tool-unknown      a call to a function no tool offers, then the echo of the results
//   tool-prompt       the call is the last user message, {"name":N,"arguments":{...}} (without
//                     "name": the first offered tool), then the echo of the results
//   busy:N            503 (Ollama's "server busy" body) for the first N requests with this model
//                     (default 1), then like "text"; busy-retry-after:N adds "Retry-After: 1";
//                     rate-limit:N is 429 "rate limit exceeded" with "Retry-After: 1"
//   busy-long         503 with "Retry-After: 60", always
//   hang-up           closes the connection without replying
//   drop-once:K       kContinueText: K tokens (default 3), then close without the terminating
//                     chunk; a request whose last message is the assistant's text so far (a
//                     continuation) gets the rest of the tokens and done. A continuation whose
//                     text is not exactly the first K tokens gets 400 "fake: the continuation
//                     does not end with the answer so far: ..."
//   error-once:K      like drop-once, with Ollama's mid-stream error line instead of the close
//   stall-once:K      like drop-once, but the server then says nothing until the client leaves
//   refuse-continuation:K  like drop-once, but a continuation gets 400
//   restart:K         like drop-once, but a continuation gets the whole answer again from the
//                     start (as a model whose template does not continue a message)
//   drop-always       kContinueText: each request gets one more token than the text it
//                     continues (the first request two), then the connection closes
//   cut-utf8          kCutUtf8Text: three lines, then the fourth cut in the middle of a
//                     three-byte character and the connection closed; a continuation of the
//                     first three tokens gets the rest
//   think-break       the first request: thinking "Let me", " think", then the connection closes;
//                     later ones like "think" (a continuation gets 400)
//   anything else     404 {"error":"model 'NAME' not found"}
// POST /v1/chat/completions and GET /v1/models speak the OpenAI-compatible protocol instead:
// see fake_openai.cpp for their scenarios.
// A known model with no messages gets the load reply (done_reason "load", or "unload" with
// keep_alive 0), as Ollama does. "stream": false gets one aggregated JSON object.
#include "fake_ollama.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <exception>
#include <iterator>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "fake_openai.hpp"

namespace ochat::test {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kPollSliceMs = 20;
constexpr std::size_t kMaxHeaderBytes = 1 << 20;             // Go's DefaultMaxHeaderBytes
constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 28;  // 256 MiB

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> parse_uint(std::string_view s, int base = 10) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Go encoding/json string encoding (HTML-safe, as json.Marshal does).

// Decodes one UTF-8 sequence at s[i] like Go's utf8.DecodeRune; returns {rune, length}, length 0
// for an invalid sequence (Go then writes \ufffd for that single byte).
std::pair<char32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = at(i);
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char b = at(i + k);
    if ((b & 0xC0u) != 0x80u) return {0, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

void go_quote_into(std::string& out, std::string_view s, bool html_escape = true) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      bool html = b == '<' || b == '>' || b == '&';
      if (b >= 0x20 && b != '"' && b != '\\' && !(html && html_escape)) {
        out.push_back(static_cast<char>(b));
      } else {
        switch (b) {
          case '"':
            out += "\\\"";
            break;
          case '\\':
            out += "\\\\";
            break;
          case '\b':
            out += "\\b";
            break;
          case '\f':
            out += "\\f";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          case '\t':
            out += "\\t";
            break;
          default:
            out += "\\u00";
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xF]);
        }
      }
      ++i;
      continue;
    }
    auto [cp, len] = decode_utf8(s, i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out.push_back('"');
}

std::string go_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  go_quote_into(out, s);
  return out;
}

// gin's c.JSON(code, gin.H{"error": msg})
std::string error_json(std::string_view msg) { return "{\"error\":" + go_quote(msg) + "}"; }

// ---------------------------------------------------------------------------------------------
// Go encoding/json decode errors (json.Decoder, as gin's ShouldBindJSON uses it).

// Go's quoteChar in encoding/json/scanner.go.
std::string go_quote_char(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  // strconv.Quote(string(rune(c))) with single quotes.
  switch (c) {
    case '\a':
      return "'\\a'";
    case '\b':
      return "'\\b'";
    case '\f':
      return "'\\f'";
    case '\n':
      return "'\\n'";
    case '\r':
      return "'\\r'";
    case '\t':
      return "'\\t'";
    case '\v':
      return "'\\v'";
    case '\\':
      return "'\\\\'";
    default:
      break;
  }
  if (c < 0x20 || c == 0x7F) return fmt::format("'\\x{:02x}'", c);
  if (c < 0x80) return fmt::format("'{}'", static_cast<char>(c));
  if (c <= 0xA0 || c == 0xAD) return fmt::format("'\\u{:04x}'", c);
  // Latin-1 code point as UTF-8.
  std::string s = "'";
  s.push_back(static_cast<char>(0xC0 | (c >> 6)));
  s.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  s.push_back('\'');
  return s;
}

struct ScanResult {
  enum class Kind { kOk, kEmpty, kUnexpectedEof, kSyntax } kind = Kind::kOk;
  std::size_t end = 0;  // end of the first JSON value (kOk)
  std::string message;
};

// Validates the first JSON value of `s` with the error texts of Go's encoding/json scanner.
class GoJsonScanner {
 public:
  explicit GoJsonScanner(std::string_view s) : s_(s) {}

  ScanResult run() {
    skip_ws();
    if (i_ == s_.size()) return {ScanResult::Kind::kEmpty, 0, "EOF"};
    if (!value(0)) return error_;
    return {ScanResult::Kind::kOk, i_, {}};
  }

 private:
  bool fail(const char* context) {
    error_ = {
        ScanResult::Kind::kSyntax, 0,
        "invalid character " + go_quote_char(static_cast<unsigned char>(s_[i_])) + " " + context};
    return false;
  }
  bool eof() {
    error_ = {ScanResult::Kind::kUnexpectedEof, 0, "unexpected EOF"};
    return false;
  }
  bool at_end() const { return i_ >= s_.size(); }
  char cur() const { return s_[i_]; }
  void skip_ws() {
    while (!at_end() && (cur() == ' ' || cur() == '\t' || cur() == '\r' || cur() == '\n')) ++i_;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool value(int depth) {
    if (at_end()) return eof();
    if (depth > 10000) {
      error_ = {ScanResult::Kind::kSyntax, 0, "exceeded max depth"};
      return false;
    }
    char c = cur();
    if (c == '{') return object(depth + 1);
    if (c == '[') return array(depth + 1);
    if (c == '"') return string();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    if (c == '-' || is_digit(c)) return number();
    return fail("looking for beginning of value");
  }

  bool object(int depth) {
    ++i_;  // '{'
    skip_ws();
    if (at_end()) return eof();
    if (cur() == '}') return ++i_, true;
    for (;;) {
      if (at_end()) return eof();
      if (cur() != '"') return fail("looking for beginning of object key string");
      if (!string()) return false;
      skip_ws();
      if (at_end()) return eof();
      if (cur() != ':') return fail("after object key");
      ++i_;
      skip_ws();
      if (!value(depth)) return false;
      skip_ws();
      if (at_end()) return eof();
      if (cur() == '}') return ++i_, true;
      if (cur() != ',') return fail("after object key:value pair");
      ++i_;
      skip_ws();
    }
  }

  bool array(int depth) {
    ++i_;  // '['
    skip_ws();
    if (at_end()) return eof();
    if (cur() == ']') return ++i_, true;
    for (;;) {
      if (!value(depth)) return false;
      skip_ws();
      if (at_end()) return eof();
      if (cur() == ']') return ++i_, true;
      if (cur() != ',') return fail("after array element");
      ++i_;
      skip_ws();
    }
  }

  bool string() {
    ++i_;  // '"'
    for (;;) {
      if (at_end()) return eof();
      auto c = static_cast<unsigned char>(cur());
      if (c == '"') return ++i_, true;
      if (c < 0x20) return fail("in string literal");
      if (c == '\\') {
        ++i_;
        if (at_end()) return eof();
        char e = cur();
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            ++i_;
            if (at_end()) return eof();
            if (!std::isxdigit(static_cast<unsigned char>(cur())))
              return fail("in \\u hexadecimal character escape");
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return fail("in string escape code");
        }
      }
      ++i_;
    }
  }

  bool literal(std::string_view word) {
    for (std::size_t k = 1; k < word.size(); ++k) {
      ++i_;
      if (at_end()) return eof();
      if (cur() != word[k]) {
        std::string ctx = fmt::format("in literal {} (expecting {})", word,
                                      go_quote_char(static_cast<unsigned char>(word[k])));
        return fail(ctx.c_str());
      }
    }
    ++i_;
    return true;
  }

  bool number() {
    if (cur() == '-') {
      ++i_;
      if (at_end()) return eof();
      if (!is_digit(cur())) return fail("in numeric literal");
    }
    if (cur() == '0') {
      ++i_;
    } else {
      while (!at_end() && is_digit(cur())) ++i_;
    }
    if (!at_end() && cur() == '.') {
      ++i_;
      if (at_end()) return eof();
      if (!is_digit(cur())) return fail("after decimal point in numeric literal");
      while (!at_end() && is_digit(cur())) ++i_;
    }
    if (!at_end() && (cur() == 'e' || cur() == 'E')) {
      ++i_;
      if (!at_end() && (cur() == '+' || cur() == '-')) ++i_;
      if (at_end()) return eof();
      if (!is_digit(cur())) return fail("in exponent of numeric literal");
      while (!at_end() && is_digit(cur())) ++i_;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  ScanResult error_;
};

std::string go_kind(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "bool";
  if (v.is_array()) return "array";
  return "object";
}

// Go matches JSON keys to struct fields case-insensitively, preferring an exact match.
const json* find_field(const json& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(name));
  if (it != obj.end()) return &*it;
  for (auto i = obj.begin(); i != obj.end(); ++i) {
    if (iequals(i.key(), name)) return &*i;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Time formatting.

// Go time.RFC3339Nano in UTC: trailing zeros of the fraction trimmed, no fraction if zero.
std::string created_at_now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto secs = static_cast<std::time_t>(ns / 1000000000);
  auto frac = static_cast<long>(ns % 1000000000);
  std::tm t{};
  gmtime_r(&secs, &t);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.tm_year + 1900,
                                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  if (frac != 0) {
    std::string digits = fmt::format("{:09}", frac);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  out += 'Z';
  return out;
}

// HTTP Date header (Go's http.TimeFormat), independent of the C locale.
std::string http_date_now() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                     kDays[static_cast<std::size_t>(t.tm_wday) % 7], t.tm_mday,
                     kMonths[static_cast<std::size_t>(t.tm_mon) % 12], t.tm_year + 1900, t.tm_hour,
                     t.tm_min, t.tm_sec);
}

// Go's http.StatusText.
std::string_view status_text(int code) {
  switch (code) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Request Entity Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

std::string status_line(int code, bool http10) {
  auto text = status_text(code);
  // Go writes "status code NNN" when it has no text for the code (e.g. 499).
  return fmt::format("{} {} {}\r\n", http10 ? "HTTP/1.0" : "HTTP/1.1", code,
                     text.empty() ? fmt::format("status code {}", code) : std::string(text));
}

// ---------------------------------------------------------------------------------------------
// Ollama's DNS-rebinding Host check (server/routes.go allowedHostsMiddleware).

bool allowed_host_header(std::string_view host_header) {
  std::string host(host_header);
  // net.SplitHostPort; on error the whole value is used.
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close != std::string::npos && close + 1 < host.size() && host[close + 1] == ':') {
      host = host.substr(1, close - 1);
    }
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    std::uint32_t a = ntohl(v4.s_addr);
    if ((a >> 24) == 127 || (a >> 24) == 10 || (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || a == 0)
      return true;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    static const unsigned char kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char kAny[16] = {};
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    const unsigned char* b = v6.s6_addr;
    if (std::memcmp(b, kLoop, 16) == 0 || std::memcmp(b, kAny, 16) == 0 || (b[0] & 0xFE) == 0xFC)
      return true;
    if (std::memcmp(b, kMapped, 12) == 0) {
      if (b[12] == 127 || b[12] == 10 || (b[12] == 172 && (b[13] & 0xF0) == 16) ||
          (b[12] == 192 && b[13] == 168) || (b[12] | b[13] | b[14] | b[15]) == 0)
        return true;
    }
  }
  host = to_lower(host);
  if (host.empty() || host == "localhost") return true;
  char hostname[256] = {};
  if (gethostname(hostname, sizeof hostname - 1) == 0 && host == to_lower(hostname)) return true;
  for (std::string_view tld : {".localhost", ".local", ".internal"}) {
    if (host.size() > tld.size() && host.compare(host.size() - tld.size(), tld.size(), tld) == 0)
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Reply plans.

struct Chunk {
  std::string content;       // decoded text (used for aggregation)
  std::string content_json;  // hand-written JSON string literal; empty = go_quote(content)
  std::string thinking;      // omitted when empty (omitempty)
  std::vector<std::string> tool_calls;  // each a JSON object
  bool done = false;
  std::string done_reason;
  std::int64_t eval_count = 0;  // done chunk only
  bool metrics = true;          // done chunk: add the metrics (not for the load/unload reply)
};

struct Item {
  enum class Kind { kChunk, kRaw, kError } kind = Kind::kChunk;
  Chunk chunk;
  std::string text;  // kRaw: raw line (with '\n'); kError: the error message
};

struct Plan {
  enum class Kind { kFixed, kStream, kStallHeaders, kMany, kHangUp } kind = Kind::kStream;
  // kFixed
  int status = 200;
  std::string content_type;
  std::string body;
  std::string headers;  // extra header lines, each ending in CRLF
  // kStream / kMany
  std::vector<Item> items;
  int delay_ms = 0;      // between items
  int pre_delay_ms = 0;  // before anything is sent (model load)
  bool split = false;
  bool stall_after_headers = false;
  bool stall_at_end = false;  // after the items: nothing more until the client leaves
  enum class End { kClean, kFin, kRst } end = End::kClean;
  bool final_newline = true;
  std::size_t many = 0;
  bool needs_messages = true;  // no messages -> load/unload reply
};

constexpr std::string_view kJsonType = "application/json; charset=utf-8";

Plan fixed(int status, std::string body, std::string_view type = kJsonType) {
  Plan p;
  p.kind = Plan::Kind::kFixed;
  p.status = status;
  p.content_type = body.empty() ? std::string() : std::string(type);
  p.body = std::move(body);
  p.needs_messages = false;
  return p;
}

Item token(std::string content) {
  Item it;
  it.chunk.content = std::move(content);
  return it;
}

Item hand_token(std::string content, std::string content_json) {
  Item it = token(std::move(content));
  it.chunk.content_json = std::move(content_json);
  return it;
}

Item thinking_token(std::string thinking, std::string content = {}) {
  Item it = token(std::move(content));
  it.chunk.thinking = std::move(thinking);
  return it;
}

Item done_item(std::string reason = "stop", std::string content = {}) {
  Item it = token(std::move(content));
  it.chunk.done = true;
  it.chunk.done_reason = std::move(reason);
  return it;
}

Item raw_line(std::string text) {
  Item it;
  it.kind = Item::Kind::kRaw;
  it.text = std::move(text);
  return it;
}

Item error_line(std::string message) {
  Item it;
  it.kind = Item::Kind::kError;
  it.text = std::move(message);
  return it;
}

std::vector<Item> escapes_tokens() {
  return {token("a < b && c > d"),
          token("\n\tline two"),
          token(" caf\xC3\xA9"),
          token(" \xE4\xBD\xA0\xE5\xA5\xBD"),
          hand_token(" \xF0\x9F\x98\x80", "\" \\ud83d\\ude00\""),
          token(" \xE2\x80\xA8"),
          token(" \"quoted\" back\\slash")};
}

std::vector<Item> split_tokens() {
  return {token("Split: "),
          token("caf\xC3\xA9 "),
          token("\xE4\xBD\xA0\xE5\xA5\xBD "),
          token("\xF0\x9F\x98\x80 "),
          hand_token("\xF0\x9F\x8E\x89 ", "\"\\ud83c\\udf89 \""),
          token("x < y & z > w "),
          token("\xE2\x80\xA8 "),
          token("\"q\" \\ "),
          token("line\nnext\t"),
          token("\xC3\xBC\xC3\xB1\xC3\xAF\xC3\xA7\xC3\xB8 "),
          token("end.")};
}
constexpr std::size_t kSplitMergeFirst = 7;  // lines 7..9 go out in one piece
constexpr std::size_t kSplitMergeLast = 9;

struct ChatRequest {
  std::string model;
  std::size_t earlier = 0;  // requests with this model the server had received before
  bool stream = true;
  std::vector<std::pair<std::string, std::string>> messages;  // role (lower-cased), content
  json tools;                                                 // null or array
  bool unload = false;                                        // keep_alive is 0
  bool has_images = false;                                    // a message has "images"
};

// Where `text` stops being padded standard base64, as Go's encoding/base64 reports it when it
// decodes the []byte of an image: the offset of the first bad byte (the length when it is cut
// short); std::nullopt when it is valid.
std::optional<std::size_t> base64_error(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') continue;
    const bool padding = c == '=' && i + 2 >= text.size() && text.size() % 4 == 0 &&
                         (i + 1 == text.size() || text[i + 1] == '=');
    if (!padding) return i;
  }
  if (text.size() % 4 != 0) return text.size() / 4 * 4;
  return std::nullopt;
}

std::string tool_call_json(std::string_view id, int index, const json& tool) {
  std::string name(kDefaultToolName);
  std::string args = "{\"city\":\"Paris\"}";
  if (tool.is_object()) {
    const json* fn = find_field(tool, "function");
    const json* n = fn ? find_field(*fn, "name") : nullptr;
    if (n && n->is_string()) {
      name = n->get<std::string>();
      args = "{";
      const json* params = find_field(*fn, "parameters");
      const json* props = params ? find_field(*params, "properties") : nullptr;
      if (props && props->is_object()) {
        bool first = true;
        for (auto it = props->begin(); it != props->end(); ++it) {
          std::string type;
          if (const json* t = find_field(*it, "type"); t && t->is_string())
            type = t->get<std::string>();
          std::string val;
          if (type == "integer" || type == "number") {
            val = "42";
          } else if (type == "boolean") {
            val = "true";
          } else if (type == "array") {
            val = "[]";
          } else if (type == "object") {
            val = "{}";
          } else {
            val = go_quote(it.key() == "city" ? "Paris" : "test");
          }
          if (!first) args += ',';
          first = false;
          args += go_quote(it.key()) + ":" + val;
        }
      }
      args += "}";
    }
  }
  std::string out = "{";
  if (!id.empty()) out += "\"id\":" + go_quote(id) + ",";
  out += fmt::format("\"function\":{{\"index\":{},\"name\":{},\"arguments\":{}}}}}", index,
                     go_quote(name), args);
  return out;
}

// Contents of the trailing role:"tool" messages, joined with "\n"; nullopt if the last message is
// not a tool result.
std::optional<std::string> trailing_tool_results(const ChatRequest& rq) {
  std::vector<std::string> parts;
  for (auto it = rq.messages.rbegin(); it != rq.messages.rend() && it->first == "tool"; ++it)
    parts.insert(parts.begin(), it->second);
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\n" : "") + parts[i];
  return out;
}

std::optional<int> parse_arg_int(std::string_view arg, int def, int min, int max) {
  if (arg.empty()) return def;
  auto v = parse_uint<int>(arg);
  if (!v || *v < min || *v > max) return std::nullopt;
  return v;
}

Plan not_found(const ChatRequest& rq) {
  return fixed(404, error_json(fmt::format("model '{}' not found", rq.model)));
}

// ---- Recovery scenarios: an answer cut after some tokens, and its continuation ----

std::string render_chunk(std::string_view model, const Chunk& c, std::string_view created_at);

std::string joined(const std::vector<std::string>& tokens, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < std::min(to, tokens.size()); ++i) out += tokens[i];
  return out;
}

// The content of the last message when it is the assistant's (a request that continues an
// answer), else nullopt.
std::optional<std::string> continued_text(const ChatRequest& rq) {
  if (rq.messages.empty() || rq.messages.back().first != "assistant") return std::nullopt;
  return rq.messages.back().second;
}

// The reply to a continuation that does not end with the text it should: a 400 the test sees.
Plan mismatch(std::string_view expected, std::string_view got) {
  return fixed(400,
               error_json(fmt::format("fake: the continuation does not end with the answer so far: "
                                      "expected {}, got {}",
                                      go_quote(expected), go_quote(got))));
}

// The tokens from `from` on, then done.
std::vector<Item> rest_of(const std::vector<std::string>& tokens, std::size_t from) {
  std::vector<Item> items;
  for (std::size_t i = from; i < tokens.size(); ++i) items.push_back(token(tokens[i]));
  items.push_back(done_item());
  return items;
}

// For a request that continues `tokens` cut after `cut`: the rest of them, or the mismatch
// reply. nullopt for a request that continues nothing.
std::optional<Plan> continuation_reply(const ChatRequest& rq,
                                       const std::vector<std::string>& tokens, std::size_t cut) {
  const auto text = continued_text(rq);
  if (!text) return std::nullopt;
  const std::string expected = joined(tokens, 0, cut);
  if (*text != expected) return mismatch(expected, *text);
  Plan p;
  p.items = rest_of(tokens, cut);
  return p;
}

// busy, busy-retry-after, rate-limit: the refusal of the first N requests.
Plan refusal(std::string_view name) {
  if (name == "rate-limit") {
    Plan p = fixed(429, error_json("rate limit exceeded"));
    p.headers = "Retry-After: 1\r\n";
    return p;
  }
  Plan p =
      fixed(503, error_json("server busy, please try again.  maximum pending requests exceeded"));
  if (name == "busy-retry-after") p.headers = "Retry-After: 1\r\n";
  return p;
}

Plan make_plan(const ChatRequest& rq) {
  std::string_view model = rq.model;
  auto colon = model.find(':');
  std::string_view name = model.substr(0, colon);
  std::string_view arg =
      colon == std::string_view::npos ? std::string_view{} : model.substr(colon + 1);
  Plan p;
  auto& items = p.items;

  if (name == "text") {
    items = {token("Hello"), token(","), token(" world"), token("!"), done_item()};
  } else if (name == "escapes") {
    items = escapes_tokens();
    items.push_back(done_item());
  } else if (name == "hostile") {
    const std::string text(kHostileText);
    const std::size_t cut = text.find("2J");  // inside the CSI sequence
    items = {token(text.substr(0, cut)), token(text.substr(cut)), done_item()};
  } else if (name == "split") {
    items = split_tokens();
    items.push_back(done_item());
    p.split = true;
  } else if (name == "many") {
    auto n = arg.empty() ? std::optional<std::size_t>{1000} : parse_uint<std::size_t>(arg);
    if (!n || *n > 100000000) return not_found(rq);
    p.kind = Plan::Kind::kMany;
    p.many = *n;
  } else if (name == "slow") {
    auto ms = parse_arg_int(arg, 100, 0, 600000);
    if (!ms) return not_found(rq);
    for (std::size_t i = 0; i < 100; ++i) items.push_back(token(fmt::format("s{} ", i)));
    items.push_back(done_item());
    p.delay_ms = *ms;
  } else if (name == "gpu") {
    // A GPU server's pace, for the batch benchmark: the first token after 50 ms, then one
    // every 5 ms.
    for (std::size_t i = 0; i < 20; ++i) items.push_back(token(fmt::format("g{} ", i)));
    items.push_back(done_item());
    p.pre_delay_ms = 50;
    p.delay_ms = 5;
  } else if (name == "think") {
    items = {thinking_token("Let me"),      thinking_token(" think"), thinking_token("."),
             thinking_token("!", "Answer"), token(" is 42"),          done_item()};
  } else if (name == "done-content") {
    items = {token("Hi"), done_item("stop", " there")};
  } else if (name == "length") {
    items = {token("a"), token("b"), done_item("length")};
  } else if (name == "midstream-error") {
    items = {token("partial"), token(" answer"), error_line(std::string(kMidstreamErrorMessage))};
  } else if (name == "drop") {
    if (!arg.empty() && arg != "rst") return not_found(rq);
    items = {token("partial")};
    p.end = arg == "rst" ? Plan::End::kRst : Plan::End::kFin;
  } else if (name == "no-done") {
    items = {token("x"), token("y")};
  } else if (name == "garbage") {
    items = {token("ok"), raw_line("<html>proxy error</html>\n"), done_item()};
  } else if (name == "stall") {
    p.stall_after_headers = true;
  } else if (name == "stall-headers") {
    p.kind = Plan::Kind::kStallHeaders;
    p.needs_messages = false;
  } else if (name == "no-newline") {
    items = {done_item("stop", std::string(kNoNewlineText))};
    p.final_newline = false;
  } else if (name == "status") {
    auto code = parse_arg_int(arg, 500, 100, 599);
    if (!code) return not_found(rq);
    switch (*code) {
      case 400:
        return fixed(400,
                     error_json("registry.ollama.ai/library/nope:latest does not support tools"));
      case 401:
        return fixed(401, error_json("unauthorized"));
      case 403:
        return fixed(403, "");
      case 429:
        return fixed(429, error_json("rate limit exceeded"));
      case 499:
        return fixed(499, error_json("request canceled"));
      case 500:
        return fixed(500, error_json("model runner has unexpectedly stopped, this may be due to "
                                     "resource limitations or an internal error, check ollama "
                                     "server logs for details"));
      case 503:
        return fixed(
            503, error_json("server busy, please try again.  maximum pending requests exceeded"));
      default:
        return fixed(*code, error_json(fmt::format("fake error with status {}", *code)));
    }
  } else if (name == "no-vision" && rq.has_images) {
    return fixed(500, error_json("this model is missing data required for image input"));
  } else if (name == "echo" || name == "no-vision") {
    items = {token(rq.messages.empty() ? std::string() : rq.messages.back().second), done_item()};
  } else if (name == "load") {
    auto ms = parse_arg_int(arg, 1000, 0, 600000);
    if (!ms) return not_found(rq);
    items = {token("Hello"), token(","), token(" world"), token("!"), done_item()};
    p.pre_delay_ms = *ms;
  } else if (name == "tool-unknown") {
    // Round 1: a call to a function nobody offered; round 2: echo the tool results.
    if (auto results = trailing_tool_results(rq)) {
      items = {token("Tool said: "), token(*results), done_item()};
    } else {
      Item call = token("");
      call.chunk.tool_calls = {
          R"({"id":"call_unknown0","function":{"index":0,"name":"no_such_tool","arguments":{}}})"};
      items = {call, done_item()};
    }
  } else if (name == "tool-prompt") {
    if (auto results = trailing_tool_results(rq)) {
      items = {token("Tool said: "), token(*results), done_item()};
    } else {
      std::string fn(kDefaultToolName);
      if (rq.tools.is_array() && !rq.tools.empty()) {
        const json* f = find_field(rq.tools[0], "function");
        const json* n = f ? find_field(*f, "name") : nullptr;
        if (n && n->is_string()) fn = n->get<std::string>();
      }
      json prompt;
      for (const auto& [role, content] : rq.messages)
        if (role == "user") prompt = json::parse(content, nullptr, false);
      std::string args = "{}";
      if (prompt.is_object()) {
        if (const json* n = find_field(prompt, "name"); n && n->is_string())
          fn = n->get<std::string>();
        if (const json* a = find_field(prompt, "arguments")) args = a->dump();
      }
      Item call = token("");
      call.chunk.tool_calls = {"{\"id\":\"call_prompt0\",\"function\":{\"index\":0,\"name\":" +
                               go_quote(fn) + ",\"arguments\":" + args + "}}"};
      items = {call, done_item()};
    }
  } else if (name == "tool" || name == "tool-done" || name == "tool-length") {
    // Round 1: tool calls (one per request tool, at most 2; get_weather{"city":"Paris"} without
    // tools). "tool": text "Let me check." then a chunk with the calls (ids "call_<8>"), then done.
    // "tool-done": the calls ride in the done chunk (llama-server path, 32-char ids).
    // Round 2 (last message role "tool"): "Tool said: " + the trailing tool contents joined by
    // "\n".
    if (auto results = trailing_tool_results(rq)) {
      items = {token("Tool said: "), token(*results), done_item()};
    } else {
      std::vector<json> tools;
      if (rq.tools.is_array())
        for (const auto& t : rq.tools)
          if (tools.size() < 2) tools.push_back(t);
      if (tools.empty()) tools.push_back(json());
      std::vector<std::string> calls;
      for (std::size_t i = 0; i < tools.size(); ++i) {
        std::string id = name == "tool" ? fmt::format("call_k3j9x0q{}", i)
                                        : fmt::format("Xa7bQ2cD9eF4gH1iJ6kL3mN8oP5qR0s{}", i);
        calls.push_back(tool_call_json(id, static_cast<int>(i), tools[i]));
      }
      if (name == "tool" || name == "tool-length") {
        Item call = token("");
        call.chunk.tool_calls = calls;
        items = {token("Let me check."), call, done_item(name == "tool" ? "stop" : "length")};
      } else {
        Item done = done_item();
        done.chunk.tool_calls = calls;
        items = {done};
      }
    }
  } else if (name == "busy" || name == "busy-retry-after" || name == "rate-limit") {
    auto n = parse_arg_int(arg, 1, 0, 1000);
    if (!n) return not_found(rq);
    if (rq.earlier < static_cast<std::size_t>(*n)) return refusal(name);
    items = {token("Hello"), token(","), token(" world"), token("!"), done_item()};
  } else if (name == "hang-up") {
    p.kind = Plan::Kind::kHangUp;
    p.needs_messages = false;
  } else if (name == "busy-long") {
    Plan busy = refusal("busy");
    busy.headers = "Retry-After: 60\r\n";
    return busy;
  } else if (name == "drop-once" || name == "error-once" || name == "refuse-continuation" ||
             name == "restart" || name == "stall-once") {
    auto cut = parse_arg_int(arg, 3, 1, 8);
    if (!cut) return not_found(rq);
    const auto tokens = continue_tokens();
    const auto k = static_cast<std::size_t>(*cut);
    if (continued_text(rq)) {
      if (name == "refuse-continuation") {
        return fixed(400, error_json("fake: this model cannot continue a message"));
      }
      if (name == "restart") {
        items = rest_of(tokens, 0);  // the answer again from its start
      } else {
        return *continuation_reply(rq, tokens, k);
      }
    } else {
      for (std::size_t i = 0; i < k; ++i) items.push_back(token(tokens[i]));
      if (name == "error-once") {
        items.push_back(error_line(std::string(kMidstreamErrorMessage)));
      } else if (name == "stall-once") {
        p.stall_at_end = true;
      } else {
        p.end = Plan::End::kFin;
      }
    }
  } else if (name == "drop-always") {
    // Each request gets the next token (the first one two), then the connection closes.
    const auto tokens = continue_tokens();
    std::size_t have = 0;
    if (const auto text = continued_text(rq)) {
      while (have < tokens.size() && joined(tokens, 0, have) != *text) ++have;
      if (have >= tokens.size() - 1) return mismatch("a shorter part of the answer", *text);
    }
    items = {token(tokens[have])};
    if (have == 0) items.push_back(token(tokens[1]));
    p.end = Plan::End::kFin;
  } else if (name == "cut-utf8") {
    // Three whole lines, then the fourth up to the middle of its first character (of three bytes).
    const auto tokens = cut_utf8_tokens();
    if (auto reply = continuation_reply(rq, tokens, 3)) return *reply;
    for (std::size_t i = 0; i < 3; ++i) items.push_back(token(tokens[i]));
    Chunk cut;
    cut.content = tokens[3];
    const std::string line = render_chunk(rq.model, cut, created_at_now());
    items.push_back(raw_line(line.substr(0, line.find('\xE4') + 2)));
    p.end = Plan::End::kFin;
  } else if (name == "think-break") {
    // The first request breaks during the thinking; later ones get the whole answer.
    if (const auto text = continued_text(rq)) return mismatch("no assistant message", *text);
    if (rq.earlier == 0) {
      items = {thinking_token("Let me"), thinking_token(" think")};
      p.end = Plan::End::kFin;
    } else {
      items = {thinking_token("Let me"),      thinking_token(" think"), thinking_token("."),
               thinking_token("!", "Answer"), token(" is 42"),          done_item()};
    }
  } else {
    return not_found(rq);
  }

  std::int64_t evals = 0;

  for (auto& it : items) {
    if (it.kind != Item::Kind::kChunk) continue;
    if (!it.chunk.content.empty() || !it.chunk.thinking.empty()) ++evals;
    if (it.chunk.done) it.chunk.eval_count = evals;
  }
  return p;
}

void append_metrics(std::string& out, std::int64_t eval_count) {
  out += fmt::format(
      ",\"total_duration\":{},\"load_duration\":{},\"prompt_eval_count\":{},"
      "\"prompt_eval_duration\":{}",
      kTotalDuration, kLoadDuration, kPromptEvalCount, kPromptEvalDuration);
  if (eval_count != 0) out += fmt::format(",\"eval_count\":{}", eval_count);
  out += fmt::format(",\"eval_duration\":{}", kEvalDuration);
}

// api.ChatResponse as json.Marshal writes it (no trailing newline).
std::string render_chunk(std::string_view model, const Chunk& c, std::string_view created_at) {
  std::string out;
  out.reserve(160 + c.content.size());
  out += "{\"model\":";
  go_quote_into(out, model);
  out += ",\"created_at\":\"";
  out += created_at;
  out += "\",\"message\":{\"role\":\"assistant\",\"content\":";
  if (!c.content_json.empty()) {
    out += c.content_json;
  } else {
    go_quote_into(out, c.content);
  }
  if (!c.thinking.empty()) {
    out += ",\"thinking\":";
    go_quote_into(out, c.thinking);
  }
  if (!c.tool_calls.empty()) {
    out += ",\"tool_calls\":[";
    for (std::size_t i = 0; i < c.tool_calls.size(); ++i) {
      if (i) out += ',';
      out += c.tool_calls[i];
    }
    out += ']';
  }
  out += "},\"done\":";
  out += c.done ? "true" : "false";
  if (!c.done_reason.empty()) {
    out += ",\"done_reason\":";
    go_quote_into(out, c.done_reason);
  }
  if (c.done && c.metrics) append_metrics(out, c.eval_count);
  out += '}';
  return out;
}

void append_chunk_framing(std::string& out, std::string_view data) {
  fmt::format_to(std::back_inserter(out), "{:x}\r\n", data.size());
  out += data;
  out += "\r\n";
}

}  // namespace

std::string many_text(std::size_t n) {
  std::string out;
  out.reserve(n * 9);
  for (std::size_t i = 0; i < n; ++i) {
    out += 'w';
    out += std::to_string(i);
    out += ' ';
  }
  return out;
}

std::vector<std::string> continue_tokens() {
  return {"The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog."};
}

std::vector<std::string> cut_utf8_tokens() {
  return {"Caf",  "\xC3\xA9 au ", "lait: ", "\xE4\xBD\xA0\xE5\xA5\xBD", " \xF0\x9F\x98\x80",
          " end."};
}

std::string slow_text(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 100); ++i) out += fmt::format("s{} ", i);
  return out;
}

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Server.

namespace {

struct Slot {
  std::mutex m;
  int fd = -1;
  std::size_t id = 0;
  std::atomic<bool> done{false};
  std::thread thread;

  void shutdown_fd() {
    std::lock_guard lk(m);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
  void close_fd(bool rst) {
    std::lock_guard lk(m);
    if (fd < 0) return;
    if (rst) {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(fd);
    fd = -1;
  }
};

struct Request {
  std::string method, target, proto;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool http10 = false;
  bool close = false;  // Connection: close (or HTTP/1.0)

  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (iequals(k, name)) return v;
    return {};
  }
  bool has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return iequals(h.first, name); });
  }
};

}  // namespace

struct FakeOllama::Impl {
  int listen_fd = -1;
  std::uint16_t port = 0;
  std::atomic<bool> stop{false};
  std::thread accept_thread;

  std::mutex conns_mu;
  std::list<std::shared_ptr<Slot>> conns;
  std::atomic<std::size_t> accepted{0};

  mutable std::mutex req_mu;
  mutable std::condition_variable req_cv;
  std::vector<RecordedRequest> reqs;
  std::function<void(const RecordedRequest&)> hook;
  std::atomic<bool> openai_only{false};  // see FakeOllama::set_openai_only
  // Chat requests received, by path and model (for the scenarios that change after N of them).
  std::map<std::string, std::size_t> chat_requests;
  // Chat requests being handled now (waiting for a slot included), the most at once, and the
  // number that may be served at once (0: any); see FakeOllama::set_chat_slots.
  std::mutex slots_mu;
  std::condition_variable slots_cv;
  std::size_t active_chats = 0;
  std::size_t most_chats = 0;
  std::size_t served_chats = 0;
  std::size_t chat_slots = 0;

  // How many requests with this key came before; counts this one.
  std::size_t count_request(const std::string& key) {
    std::lock_guard lk(req_mu);
    return chat_requests[key]++;
  }

  void start(std::uint16_t want_port);
  void shutdown_all();
  void accept_loop();
  void reap(bool all);
  void serve(const std::shared_ptr<Slot>& slot);

  std::size_t record(const Request& rq, std::size_t conn) {
    std::lock_guard lk(req_mu);
    RecordedRequest r;
    r.method = rq.method;
    r.path = rq.target;
    r.body = rq.body;
    r.headers = rq.headers;
    r.connection = conn;
    reqs.push_back(std::move(r));
    return reqs.size() - 1;
  }
  void finish(std::size_t idx, int status, bool disconnected) {
    RecordedRequest copy;
    std::function<void(const RecordedRequest&)> h;
    {
      std::lock_guard lk(req_mu);
      auto& r = reqs[idx];
      r.status = status;
      r.disconnected_early = disconnected;
      r.finished = true;
      copy = r;
      h = hook;
    }
    req_cv.notify_all();
    if (h) {
      try {
        h(copy);
      } catch (...) {
      }
    }
  }
};

namespace {

// One client connection: request parsing and reply writing.
class Conn {
 public:
  enum class Wait { kOk, kGone, kStopped };

  Conn(FakeOllama::Impl& srv, std::shared_ptr<Slot> slot) : srv_(srv), slot_(std::move(slot)) {
    fd_ = slot_->fd;
  }

  void run() {
    while (!srv_.stop) {
      Request rq;
      if (!read_request(rq)) break;
      std::size_t idx = srv_.record(rq, slot_->id);
      status_ = 0;
      gone_ = false;
      bool keep = false;
      try {
        keep = handle(rq);
      } catch (const std::exception&) {
        keep = false;
      }
      // A hang-up seen while the server itself is stopping is our own shutdown(), not the client.
      if (stopping()) gone_ = false;
      srv_.finish(idx, status_, gone_);
      if (!keep || gone_) break;
    }
    slot_->close_fd(rst_);
  }

 private:
  bool stopping() const { return srv_.stop.load(); }

  // Peer closed (EOF, half-close, error)? Pipelined data does not count.
  bool peer_gone() {
    pollfd p{fd_, static_cast<short>(POLLIN | POLLRDHUP), 0};
    int r = ::poll(&p, 1, 0);
    if (r <= 0) return false;
    return check_revents(p.revents);
  }
  bool check_revents(short revents) {
    if (revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL)) return true;
    if (revents & POLLIN) {
      char c;
      auto n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
    }
    return false;
  }

  // Waits ms milliseconds (forever if ms < 0) while watching for the client leaving.
  Wait wait_ms(int ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(ms < 0 ? 0 : ms);
    for (;;) {
      if (stopping()) return Wait::kStopped;
      int slice = kPollSliceMs;
      if (ms >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return peer_gone() ? Wait::kGone : Wait::kOk;
        slice = static_cast<int>(std::min<std::int64_t>(left.count(), kPollSliceMs));
      }
      pollfd p{fd_, static_cast<short>(POLLIN | POLLRDHUP), 0};
      int r = ::poll(&p, 1, slice);
      if (stopping()) return Wait::kStopped;  // our own shutdown() also wakes the poll
      if (r > 0) {
        if (check_revents(p.revents)) return Wait::kGone;
        // Pipelined data is waiting: poll would return at once, so sleep instead.
        std::this_thread::sleep_for(std::chrono::milliseconds(slice));
      }
    }
  }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      if (stopping()) return false;
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, kPollSliceMs);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      gone_ = true;
      return false;
    }
    return true;
  }

  // Reads more bytes into in_; false on EOF, error or stop.
  bool fill() {
    for (;;) {
      if (stopping()) return false;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, kPollSliceMs);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      char buf[65536];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      return false;
    }
  }

  // Reads a CRLF- (or LF-) terminated line from in_ into `line`.
  bool read_line(std::string& line, std::size_t limit) {
    for (;;) {
      auto nl = in_.find('\n');
      if (nl != std::string::npos) {
        line = in_.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        in_.erase(0, nl + 1);
        return true;
      }
      if (in_.size() > limit) return false;
      if (!fill()) return false;
    }
  }

  bool read_exact(std::string& out, std::size_t n) {
    while (in_.size() < n)
      if (!fill()) return false;
    out.append(in_, 0, n);
    in_.erase(0, n);
    return true;
  }

  // Plain-text error of Go's net/http itself (before any handler runs); closes the connection.
  void bad_request(int code, std::string_view detail, bool http10 = false) {
    std::string body = fmt::format("{} {}", code, status_text(code));
    if (!detail.empty()) body += fmt::format(": {}", detail);
    std::string head = status_line(code, http10);
    head += "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";
    send_all(head + body);
  }

  bool read_request(Request& rq) {
    std::string line;
    // RFC 7230 3.5: ignore empty lines before the request line (keep-alive leftovers).
    do {
      if (in_.empty() && !fill()) return false;
      if (!read_line(line, kMaxHeaderBytes)) {
        if (in_.size() > kMaxHeaderBytes) bad_request(431, "");
        return false;
      }
    } while (line.empty());

    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string::npos) {
      bad_request(400, "malformed HTTP request");
      return false;
    }
    rq.method = line.substr(0, sp1);
    rq.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    rq.proto = line.substr(sp2 + 1);
    if (rq.proto == "HTTP/1.0") {
      rq.http10 = true;
    } else if (rq.proto != "HTTP/1.1") {
      bad_request(505, "unsupported protocol version");
      return false;
    }

    std::size_t total = line.size();
    for (;;) {
      if (!read_line(line, kMaxHeaderBytes)) {
        if (in_.size() > kMaxHeaderBytes) bad_request(431, "");
        return false;
      }
      total += line.size();
      if (total > kMaxHeaderBytes) {
        bad_request(431, "", rq.http10);
        return false;
      }
      if (line.empty()) break;
      auto colon = line.find(':');
      if (colon == std::string::npos || colon == 0) {
        bad_request(400, "malformed MIME header line", rq.http10);
        return false;
      }
      rq.headers.emplace_back(line.substr(0, colon), std::string(trim(line.substr(colon + 1))));
    }

    std::string conn = to_lower(rq.header("Connection"));
    // HTTP/1.0: always close after the reply (the body of a stream is delimited by the close).
    rq.close = rq.http10 || conn.find("close") != std::string::npos;
    if (!rq.http10 && !rq.has_header("Host")) {
      bad_request(400, "missing required Host header");
      return false;
    }

    bool chunked = to_lower(rq.header("Transfer-Encoding")).find("chunked") != std::string::npos;
    std::optional<std::size_t> length;
    if (!chunked && rq.has_header("Content-Length")) {
      length = parse_uint<std::size_t>(rq.header("Content-Length"));
      if (!length) {
        bad_request(400, "bad Content-Length", rq.http10);
        return false;
      }
      if (*length > kMaxBodyBytes) {
        bad_request(413, "", rq.http10);
        return false;
      }
    }
    bool has_body = chunked || (length && *length > 0);
    if (has_body && !rq.http10 && iequals(trim(rq.header("Expect")), "100-continue")) {
      if (!send_all("HTTP/1.1 100 Continue\r\n\r\n")) return false;
    }
    if (chunked) return read_chunked_body(rq);
    if (length) return read_exact(rq.body, *length);
    return true;
  }

  bool read_chunked_body(Request& rq) {
    std::string line;
    for (;;) {
      if (!read_line(line, 4096)) return false;
      auto semi = line.find(';');
      auto size = parse_uint<std::size_t>(trim(line.substr(0, semi)), 16);
      if (!size || rq.body.size() + *size > kMaxBodyBytes) {
        bad_request(400, "invalid chunked body", rq.http10);
        return false;
      }
      if (*size == 0) break;
      if (!read_exact(rq.body, *size)) return false;
      if (!read_line(line, 4096)) return false;
      if (!line.empty()) {
        bad_request(400, "malformed chunked encoding", rq.http10);
        return false;
      }
    }
    // Trailers up to the empty line.
    do {
      if (!read_line(line, kMaxHeaderBytes)) return false;
    } while (!line.empty());
    return true;
  }

  // ---- replies ----

  // A complete reply with Content-Length (gin c.JSON / c.String, Go computes the length).
  bool send_fixed(const Request& rq, int status, std::string_view content_type,
                  std::string_view body, std::string_view headers = {}) {
    status_ = status;
    std::string head = status_line(status, rq.http10);
    if (!content_type.empty()) head += fmt::format("Content-Type: {}\r\n", content_type);
    head += headers;
    head += fmt::format("Date: {}\r\n", http_date_now());
    if (!(rq.method == "HEAD" && body.empty()))
      head += fmt::format("Content-Length: {}\r\n", body.size());
    if (rq.close && !rq.http10) head += "Connection: close\r\n";
    head += "\r\n";
    if (rq.method != "HEAD") head += body;
    return send_all(head) && !rq.close;
  }

  bool send_plan_fixed(const Request& rq, const Plan& p) {
    return send_fixed(rq, p.status, p.content_type, p.body, p.headers);
  }

  // Streaming body writer: one HTTP chunk per write (raw bytes for HTTP/1.0).
  class Stream {
   public:
    Stream(Conn& c, const Request& rq, std::string_view content_type = "application/x-ndjson")
        : c_(c), chunked_(!rq.http10) {
      c_.status_ = 200;
      pending_ = status_line(200, rq.http10);
      pending_ += fmt::format("Content-Type: {}\r\n", content_type);
      pending_ += fmt::format("Date: {}\r\n", http_date_now());
      if (rq.close && !rq.http10) pending_ += "Connection: close\r\n";
      if (chunked_) pending_ += "Transfer-Encoding: chunked\r\n";
      pending_ += "\r\n";
    }
    bool flush_headers() { return send(""); }
    bool write(std::string_view data) {
      if (data.empty()) return true;  // an empty chunk would end the body
      std::string out = std::move(pending_);
      pending_.clear();
      if (chunked_) {
        append_chunk_framing(out, data);
      } else {
        out += data;
      }
      return c_.send_all(out);
    }
    // Pre-framed bytes (kMany).
    bool write_framed(std::string& buf) {
      if (!pending_.empty()) {
        buf.insert(0, pending_);
        pending_.clear();
      }
      return c_.send_all(buf);
    }
    bool finish() { return send(chunked_ ? "0\r\n\r\n" : ""); }
    bool chunked() const { return chunked_; }

   private:
    bool send(std::string_view raw) {
      std::string out = std::move(pending_);
      pending_.clear();
      out += raw;
      return out.empty() || c_.send_all(out);
    }
    Conn& c_;
    bool chunked_;
    std::string pending_;
  };

  // The connection as the OpenAI-compatible replies (fake_openai.cpp) see it.
  class OpenAiWire final : public fake_openai::Wire {
   public:
    OpenAiWire(Conn& c, const Request& rq) : c_(c), rq_(rq) {}
    bool reply(int status, std::string_view content_type, std::string_view body,
               std::string_view headers) override {
      return c_.send_fixed(rq_, status, content_type, body, headers);
    }
    void start(std::string_view content_type) override {
      c_.close_requested_ = rq_.close;
      stream_.emplace(c_, rq_, content_type);
    }
    bool write(std::string_view bytes) override { return stream_->write(bytes); }
    bool pause(int ms) override {
      if (ms > 0) return c_.wait_or_give_up(ms);
      if (c_.peer_gone()) c_.gone_ = true;
      return !c_.gone_;
    }
    bool stall() override {
      if (!stream_->flush_headers()) return false;
      c_.wait_or_give_up(-1);
      return false;
    }
    bool end(bool clean) override {
      Plan p;
      p.end = clean ? Plan::End::kClean : Plan::End::kFin;
      return c_.end_stream(*stream_, p);
    }

   private:
    Conn& c_;
    const Request& rq_;
    std::optional<Stream> stream_;
  };

  // Returns whether the connection may be kept alive.
  bool handle(const Request& rq) {
    std::string_view target = rq.target;
    std::string_view path = target.substr(0, target.find('?'));

    if (!allowed_host_header(rq.header("Host"))) {
      return send_fixed(rq, 403, "", "");
    }

    struct Route {
      std::string_view path;
      std::vector<std::string_view> methods;
    };
    static const std::vector<Route> kRoutes = {
        {"/", {"GET", "HEAD"}},  {"/api/tags", {"GET", "HEAD"}}, {"/api/version", {"GET", "HEAD"}},
        {"/api/chat", {"POST"}}, {"/api/show", {"POST"}},        {"/v1/chat/completions", {"POST"}},
        {"/v1/models", {"GET"}},
    };
    auto route = std::find_if(kRoutes.begin(), kRoutes.end(),
                              [&](const Route& r) { return r.path == path; });
    if (srv_.openai_only && !path.starts_with("/v1/")) {
      // What llama.cpp's server answers for a path it does not serve.
      return send_fixed(
          rq, 404, "application/json; charset=utf-8",
          R"({"error":{"code":404,"message":"File Not Found","type":"not_found_error"}})");
    }
    if (route == kRoutes.end()) return send_fixed(rq, 404, "text/plain", "404 page not found");
    if (std::find(route->methods.begin(), route->methods.end(), rq.method) == route->methods.end())
      return send_fixed(rq, 405, "text/plain", "405 method not allowed");

    if (path == "/api/chat" || path == "/v1/chat/completions") {
      ChatSlot slot(srv_, *this);
      if (!slot.acquired()) return false;
      if (const int ms = requested_wait(rq.body); ms > 0 && !wait_or_give_up(ms)) return false;
      return handle_chat_path(rq, path);
    }
    return handle_other(rq, path);
  }

  // Counts the chat request as active while it lives; waits for one of the server's slots.
  class ChatSlot {
   public:
    ChatSlot(FakeOllama::Impl& srv, Conn& conn) : srv_(srv) {
      std::unique_lock lk(srv_.slots_mu);
      ++srv_.active_chats;
      srv_.most_chats = std::max(srv_.most_chats, srv_.active_chats);
      while (srv_.chat_slots != 0 && srv_.served_chats >= srv_.chat_slots) {
        lk.unlock();
        const bool ok = conn.wait_or_give_up(kPollSliceMs);
        lk.lock();
        if (!ok) return;
      }
      ++srv_.served_chats;
      acquired_ = true;
    }
    ~ChatSlot() {
      {
        std::lock_guard lk(srv_.slots_mu);
        --srv_.active_chats;
        if (acquired_) --srv_.served_chats;
      }
      srv_.slots_cv.notify_all();
    }
    ChatSlot(const ChatSlot&) = delete;
    ChatSlot& operator=(const ChatSlot&) = delete;
    bool acquired() const { return acquired_; }

   private:
    FakeOllama::Impl& srv_;
    bool acquired_ = false;
  };

  // "[wait=MS]" in the last message's text: the reply is held back MS milliseconds.
  static int requested_wait(std::string_view body) {
    const json doc = json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("messages") || !doc["messages"].is_array() ||
        doc["messages"].empty()) {
      return 0;
    }
    const json& last = doc["messages"].back();
    if (!last.is_object() || !last.contains("content")) return 0;
    std::string text =
        last["content"].is_string() ? last["content"].get<std::string>() : last["content"].dump();
    const auto at = text.find("[wait=");
    if (at == std::string::npos) return 0;
    const auto end = text.find(']', at);
    if (end == std::string::npos) return 0;
    const auto ms = parse_uint<int>(std::string_view(text).substr(at + 6, end - at - 6));
    return ms && *ms <= 600000 ? *ms : 0;
  }

  bool handle_other(const Request& rq, std::string_view path) {
    if (path == "/") return send_fixed(rq, 200, "text/plain; charset=utf-8", "Ollama is running");
    if (path == "/api/version") return send_fixed(rq, 200, kJsonType, "{\"version\":\"0.33.0\"}");
    if (path == "/api/tags") return send_fixed(rq, 200, kJsonType, tags_json());
    if (path == "/api/show") return handle_show(rq);
    if (path == "/v1/models") {
      OpenAiWire wire(*this, rq);
      return fake_openai::handle_models(wire);
    }
    return false;
  }

  bool handle_chat_path(const Request& rq, std::string_view path) {
    if (path == "/v1/chat/completions") {
      OpenAiWire wire(*this, rq);
      const json doc = json::parse(rq.body, nullptr, false);
      std::string model;
      if (doc.is_object() && doc.contains("model") && doc["model"].is_string())
        model = doc["model"];
      const std::size_t earlier = srv_.count_request("/v1/chat/completions " + model);
      return fake_openai::handle_chat_completions(rq.body, rq.header("Authorization"), earlier,
                                                  wire);
    }
    return handle_chat(rq);
  }

  static std::string tags_json() {
    return R"({"models":[)"
           R"({"name":"qwen3:8b","model":"qwen3:8b","modified_at":"2026-08-20T14:03:11.482910233+02:00",)"
           R"("size":5225388164,"digest":"500a1f067a9f782620b40bee6f7b0c89e17ae61f686b92c24933e4ca4b2b8b41",)"
           R"("details":{"parent_model":"","format":"gguf","family":"qwen3","families":["qwen3"],)"
           R"("parameter_size":"8.2B","quantization_level":"Q4_K_M"},)"
           R"("capabilities":["completion","tools","thinking"]},)"
           R"({"name":"llama3.2:latest","model":"llama3.2:latest","modified_at":"2025-05-04T17:37:44.706015396-07:00",)"
           R"("size":2019393189,"digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",)"
           R"("details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],)"
           R"("parameter_size":"3.2B","quantization_level":"Q4_K_M"},)"
           R"("capabilities":["completion","tools"]}]})";
  }

  // Parses the body like gin's ShouldBindJSON into ChatRequest; on failure returns the error text.
  static std::optional<std::string> parse_chat(std::string_view body, ChatRequest& out, json& doc) {
    ScanResult sr = GoJsonScanner(body).run();
    if (sr.kind == ScanResult::Kind::kEmpty) return std::string("missing request body");
    if (sr.kind != ScanResult::Kind::kOk) return sr.message;
    doc = json::parse(body.substr(0, sr.end), nullptr, false);
    if (doc.is_discarded()) return std::string("invalid character in string literal");
    if (doc.is_null()) return std::nullopt;
    if (!doc.is_object())
      return fmt::format("json: cannot unmarshal {} into Go value of type api.ChatRequest",
                         go_kind(doc));
    auto field_err = [](const json& v, std::string_view field, std::string_view type) {
      return fmt::format("json: cannot unmarshal {} into Go struct field {} of type {}", go_kind(v),
                         field, type);
    };
    if (const json* m = find_field(doc, "model"); m && !m->is_null()) {
      if (!m->is_string()) return field_err(*m, "ChatRequest.model", "string");
      out.model = m->get<std::string>();
    }
    if (const json* s = find_field(doc, "stream"); s && !s->is_null()) {
      if (!s->is_boolean()) return field_err(*s, "ChatRequest.stream", "bool");
      out.stream = s->get<bool>();
    }
    if (const json* ms = find_field(doc, "messages"); ms && !ms->is_null()) {
      if (!ms->is_array()) return field_err(*ms, "ChatRequest.messages", "[]api.Message");
      for (const auto& m : *ms) {
        if (m.is_null()) {
          out.messages.emplace_back();
          continue;
        }
        if (!m.is_object())
          return fmt::format("json: cannot unmarshal {} into Go value of type api.Alias",
                             go_kind(m));
        std::pair<std::string, std::string> msg;
        if (const json* r = find_field(m, "role"); r && !r->is_null()) {
          if (!r->is_string()) return field_err(*r, "Alias.role", "string");
          msg.first = to_lower(r->get<std::string>());
        }
        if (const json* c = find_field(m, "content"); c && !c->is_null()) {
          if (!c->is_string()) return field_err(*c, "Alias.content", "string");
          msg.second = c->get<std::string>();
        }
        if (const json* images = find_field(m, "images"); images && !images->is_null()) {
          if (!images->is_array()) return field_err(*images, "Alias.images", "[]api.ImageData");
          for (const auto& image : *images) {
            if (!image.is_string()) return field_err(image, "Alias.images", "api.ImageData");
            if (auto bad = base64_error(image.get_ref<const std::string&>())) {
              return fmt::format("illegal base64 data at input byte {}", *bad);
            }
            out.has_images = true;
          }
        }
        out.messages.push_back(std::move(msg));
      }
    }
    if (const json* t = find_field(doc, "think"); t && !t->is_null() && !t->is_boolean()) {
      if (!t->is_string())
        return std::string(
            "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, or "
            "false)");
      std::string v = t->get<std::string>();
      if (v != "high" && v != "medium" && v != "low" && v != "max") {
        std::string q;
        go_quote_into(q, v, false);
        return fmt::format(
            "invalid think value: {} (must be \"high\", \"medium\", \"low\", \"max\", true, or "
            "false)",
            q);
      }
    }
    if (const json* t = find_field(doc, "tools")) out.tools = *t;
    if (const json* k = find_field(doc, "keep_alive")) {
      if (k->is_number()) out.unload = k->get<double>() == 0.0;
      if (k->is_string()) {
        std::string v = k->get<std::string>();
        out.unload = !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) &&
                     v.find_first_of("123456789") == std::string::npos;
      }
    }
    return std::nullopt;
  }

  static bool valid_model_name(std::string_view m) {
    if (m.empty() || !std::isalnum(static_cast<unsigned char>(m[0]))) return false;
    return std::all_of(m.begin(), m.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
             c == ':' || c == '/';
    });
  }

  bool handle_show(const Request& rq) {
    ChatRequest creq;
    json doc;
    if (auto err = parse_chat(rq.body, creq, doc))
      return send_fixed(rq, 400, kJsonType, error_json(*err));
    if (creq.model.empty()) {
      if (const json* n = find_field(doc, "name"); n && n->is_string())
        creq.model = n->get<std::string>();
    }
    if (creq.model.empty()) return send_fixed(rq, 400, kJsonType, error_json("model is required"));
    creq.messages.emplace_back("user", "");
    Plan p = make_plan(creq);
    if (p.kind == Plan::Kind::kFixed && p.status == 404) {
      std::string m = creq.model;
      if (m.find(':') == std::string::npos) m += ":latest";
      return send_fixed(rq, 404, kJsonType, error_json(fmt::format("model '{}' not found", m)));
    }
    std::string_view name = std::string_view(creq.model).substr(0, creq.model.find(':'));
    std::string caps = "[\"completion\",\"tools\"";
    if (name == "think") caps += ",\"thinking\"";
    caps += "]";
    std::string body =
        R"({"modelfile":"# fake-ollama\nFROM fake\n","parameters":"","template":"{{ .Prompt }}",)"
        R"("details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],)"
        R"("parameter_size":"3.2B","quantization_level":"Q4_K_M"},"model_info":{},)"
        R"("capabilities":)" +
        caps + R"(,"modified_at":"2025-05-04T17:37:44.706015396-07:00"})";
    return send_fixed(rq, 200, kJsonType, body);
  }

  bool wait_or_give_up(int ms) {
    Wait w = wait_ms(ms);
    if (w == Wait::kGone) gone_ = true;
    return w == Wait::kOk;
  }

  bool handle_chat(const Request& rq) {
    ChatRequest creq;
    json doc;
    if (auto err = parse_chat(rq.body, creq, doc))
      return send_fixed(rq, 400, kJsonType, error_json(*err));
    if (creq.model.empty()) return send_fixed(rq, 400, kJsonType, error_json("model is required"));
    if (!valid_model_name(creq.model))
      return send_fixed(rq, 400, kJsonType, error_json("invalid model name"));

    creq.earlier = srv_.count_request("/api/chat " + creq.model);
    Plan p = make_plan(creq);
    if (p.kind == Plan::Kind::kFixed) return send_plan_fixed(rq, p);
    if (p.kind == Plan::Kind::kHangUp) return false;  // closes the connection without a reply
    if (p.kind == Plan::Kind::kStallHeaders) {
      wait_or_give_up(-1);
      return false;
    }
    if (p.pre_delay_ms > 0 && !wait_or_give_up(p.pre_delay_ms)) return false;
    if (p.needs_messages && creq.messages.empty()) {
      Chunk c;
      c.done = true;
      c.done_reason = creq.unload ? "unload" : "load";
      c.metrics = false;
      return send_fixed(rq, 200, kJsonType, render_chunk(creq.model, c, created_at_now()));
    }
    if (!creq.stream) return reply_aggregated(rq, creq, p);
    if (p.kind == Plan::Kind::kMany) return stream_many(rq, creq, p);
    return stream_items(rq, creq, p);
  }

  // "stream": false: one JSON object (content/thinking/tool calls concatenated, the rest from the
  // last chunk), or the error with status 500.
  bool reply_aggregated(const Request& rq, const ChatRequest& creq, const Plan& p) {
    if (p.stall_after_headers) {
      wait_or_give_up(-1);
      return false;
    }
    Chunk agg;
    if (p.kind == Plan::Kind::kMany) {
      agg.content = many_text(p.many);
      agg.done = true;
      agg.done_reason = "stop";
      agg.eval_count = static_cast<std::int64_t>(p.many);
    }
    for (std::size_t i = 0; i < p.items.size(); ++i) {
      if (i > 0 && p.delay_ms > 0 && !wait_or_give_up(p.delay_ms)) return false;
      const Item& it = p.items[i];
      if (it.kind == Item::Kind::kError) return send_fixed(rq, 500, kJsonType, error_json(it.text));
      if (it.kind != Item::Kind::kChunk) continue;
      agg.content += it.chunk.content;
      agg.thinking += it.chunk.thinking;
      agg.tool_calls.insert(agg.tool_calls.end(), it.chunk.tool_calls.begin(),
                            it.chunk.tool_calls.end());
      agg.done = it.chunk.done;
      agg.done_reason = it.chunk.done_reason;
      agg.eval_count = it.chunk.eval_count;
    }
    if (p.end != Plan::End::kClean) {
      rst_ = p.end == Plan::End::kRst;
      gone_ = false;
      return false;  // the server died: no reply at all
    }
    return send_fixed(rq, 200, kJsonType, render_chunk(creq.model, agg, created_at_now()));
  }

  std::string render_item(const ChatRequest& creq, const Item& it, bool newline) {
    std::string line;
    switch (it.kind) {
      case Item::Kind::kChunk:
        line = render_chunk(creq.model, it.chunk, created_at_now());
        break;
      case Item::Kind::kError:
        line = error_json(it.text);
        break;
      case Item::Kind::kRaw:
        return it.text;
    }
    if (newline) line += '\n';
    return line;
  }

  bool end_stream(Stream& s, const Plan& p) {
    if (p.end == Plan::End::kClean) {
      // No disconnect check before the terminator: a client may close right after the done line.
      if (!s.finish()) return false;
      return s.chunked() && !close_requested_;
    }
    // Abrupt end: no terminating chunk.
    if (p.end == Plan::End::kRst) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    rst_ = p.end == Plan::End::kRst;
    return false;
  }

  bool stream_items(const Request& rq, const ChatRequest& creq, const Plan& p) {
    close_requested_ = rq.close;
    Stream s(*this, rq);
    if (p.stall_after_headers) {
      if (!s.flush_headers()) return false;
      wait_or_give_up(-1);
      return false;
    }
    if (p.split) return stream_split(s, creq, p);
    for (std::size_t i = 0; i < p.items.size(); ++i) {
      if (i > 0) {
        if (p.delay_ms > 0) {
          if (!wait_or_give_up(p.delay_ms)) return false;
        } else if (peer_gone()) {
          gone_ = true;
          return false;
        }
      }
      bool last = i + 1 == p.items.size();
      if (!s.write(render_item(creq, p.items[i], !last || p.final_newline))) return false;
    }
    if (p.stall_at_end) {
      wait_or_give_up(-1);
      return false;
    }
    return end_stream(s, p);
  }

  bool stream_split(Stream& s, const ChatRequest& creq, const Plan& p) {
    std::string body;
    std::vector<std::size_t> starts;
    for (const auto& it : p.items) {
      starts.push_back(body.size());
      body += render_item(creq, it, true);
    }
    starts.push_back(body.size());

    std::set<std::size_t> cuts;
    for (std::size_t li = 0; li + 1 < starts.size(); ++li) {
      std::size_t b = starts[li], e = starts[li + 1];
      cuts.insert(b + 5);  // inside "model"
      auto ca = body.find("\"created_at\":\"", b);
      if (ca < e) cuts.insert(ca + 14 + 8);  // inside the timestamp
      for (std::size_t k = b; k < e; ++k) {
        auto c = static_cast<unsigned char>(body[k]);
        if (c >= 0xC0) {  // inside a multi-byte UTF-8 sequence
          cuts.insert(k + 1);
          if (c >= 0xE0) cuts.insert(k + 2);
        }
        if (body.compare(k, 2, "\\u") == 0) cuts.insert(k + 3);  // inside a \uXXXX escape
      }
      if (li % 2 == 1) cuts.insert(e - 1);  // the '\n' alone at the start of the next piece
    }
    // Lines kSplitMergeFirst..kSplitMergeLast in one piece.
    std::size_t mb = starts[kSplitMergeFirst], me = starts[kSplitMergeLast + 1];
    for (auto it = cuts.begin(); it != cuts.end();)
      it = (*it > mb && *it < me) ? cuts.erase(it) : ++it;
    cuts.insert(mb);
    cuts.insert(me);

    std::size_t prev = 0;
    cuts.insert(body.size());
    for (std::size_t cut : cuts) {
      if (cut <= prev || cut > body.size()) continue;
      if (prev > 0) {
        if (!wait_or_give_up(2)) return false;
      }
      if (!s.write(std::string_view(body).substr(prev, cut - prev))) return false;
      prev = cut;
    }
    return end_stream(s, p);
  }

  bool stream_many(const Request& rq, const ChatRequest& creq, const Plan& p) {
    close_requested_ = rq.close;
    Stream s(*this, rq);
    constexpr std::size_t kBatch = 8192;
    std::string prefix = "{\"model\":" + go_quote(creq.model) + ",\"created_at\":\"";
    std::string buf;
    std::string line;
    for (std::size_t i = 0; i < p.many;) {
      if (peer_gone()) {
        gone_ = true;
        return false;
      }
      std::string ts = created_at_now();
      buf.clear();
      for (std::size_t end = std::min(p.many, i + kBatch); i < end; ++i) {
        line.assign(prefix);
        line += ts;
        line += "\",\"message\":{\"role\":\"assistant\",\"content\":\"w";
        line += std::to_string(i);
        line += " \"},\"done\":false}\n";
        if (s.chunked()) {
          append_chunk_framing(buf, line);
        } else {
          buf += line;
        }
      }
      if (!s.write_framed(buf)) return false;
    }
    Chunk done;
    done.done = true;
    done.done_reason = "stop";
    done.eval_count = static_cast<std::int64_t>(p.many);
    if (!s.write(render_chunk(creq.model, done, created_at_now()) + "\n")) return false;
    return end_stream(s, p);
  }

  FakeOllama::Impl& srv_;
  std::shared_ptr<Slot> slot_;
  int fd_ = -1;
  std::string in_;
  int status_ = 0;
  bool gone_ = false;
  bool rst_ = false;
  bool close_requested_ = false;
};

}  // namespace

void FakeOllama::Impl::start(std::uint16_t want_port) {
  listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) throw std::system_error(errno, std::generic_category(), "fake-ollama: socket");
  int one = 1;
  ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(want_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd, 128) != 0) {
    int err = errno;
    ::close(listen_fd);
    throw std::system_error(err, std::generic_category(),
                            fmt::format("fake-ollama: cannot listen on 127.0.0.1:{}", want_port));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  accept_thread = std::thread([this] { accept_loop(); });
}

void FakeOllama::Impl::accept_loop() {
  while (!stop) {
    pollfd p{listen_fd, POLLIN, 0};
    int r = ::poll(&p, 1, kPollSliceMs);
    reap(false);
    if (r <= 0) continue;
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto slot = std::make_shared<Slot>();
    slot->fd = fd;
    slot->id = ++accepted;
    std::lock_guard lk(conns_mu);
    try {
      slot->thread = std::thread([this, slot] { serve(slot); });
      conns.push_back(slot);
    } catch (...) {
      ::close(fd);
    }
  }
}

void FakeOllama::Impl::serve(const std::shared_ptr<Slot>& slot) {
  try {
    Conn(*this, slot).run();
  } catch (...) {
  }
  slot->close_fd(false);
  slot->done = true;
}

void FakeOllama::Impl::reap(bool all) {
  std::list<std::shared_ptr<Slot>> dead;
  {
    std::lock_guard lk(conns_mu);
    for (auto it = conns.begin(); it != conns.end();) {
      if (all || (*it)->done) {
        if (all) (*it)->shutdown_fd();
        dead.push_back(*it);
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : dead)
    if (s->thread.joinable()) s->thread.join();
}

void FakeOllama::Impl::shutdown_all() {
  stop = true;
  if (accept_thread.joinable()) accept_thread.join();
  if (listen_fd >= 0) ::close(listen_fd);
  listen_fd = -1;
  reap(true);
}

FakeOllama::FakeOllama() : FakeOllama(0) {}

FakeOllama::FakeOllama(std::uint16_t port) : impl_(std::make_unique<Impl>()) { impl_->start(port); }

FakeOllama::~FakeOllama() { impl_->shutdown_all(); }

std::uint16_t FakeOllama::port() const { return impl_->port; }

std::string FakeOllama::url() const { return fmt::format("http://127.0.0.1:{}", impl_->port); }

std::vector<RecordedRequest> FakeOllama::requests() const {
  std::lock_guard lk(impl_->req_mu);
  return impl_->reqs;
}

bool FakeOllama::wait_finished(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(impl_->req_mu);
  return impl_->req_cv.wait_for(lk, timeout, [&] {
    return static_cast<std::size_t>(std::count_if(impl_->reqs.begin(), impl_->reqs.end(),
                                                  [](const auto& r) { return r.finished; })) >= n;
  });
}

std::size_t FakeOllama::connections_accepted() const { return impl_->accepted; }

void FakeOllama::set_openai_only(bool on) { impl_->openai_only = on; }

void FakeOllama::set_chat_slots(std::size_t slots) {
  std::lock_guard lk(impl_->slots_mu);
  impl_->chat_slots = slots;
}

std::size_t FakeOllama::most_concurrent_chats() const {
  std::lock_guard lk(impl_->slots_mu);
  return impl_->most_chats;
}

void FakeOllama::set_on_finished(std::function<void(const RecordedRequest&)> hook) {
  std::lock_guard lk(impl_->req_mu);
  impl_->hook = std::move(hook);
}

}  // namespace ochat::test
