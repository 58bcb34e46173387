#pragma once
// Splits a server-sent-events byte stream (text/event-stream) into the data of its events,
// whatever the reads look like: a line or an event split across reads, several events in one
// read, LF, CRLF or CR line ends (a CRLF split between two reads included).
//
// The rules are the WHATWG HTML ones, as far as a client of chat completions needs them:
//   - `data: VALUE` appends VALUE (one leading space removed) to the event's data; several
//     `data:` lines are joined with "\n"; a bare `data` line appends an empty line;
//   - a blank line ends the event; an event without any `data` line is not handed out;
//   - lines starting with ':' are comments (keep-alives) and are skipped;
//   - other fields (`event:`, `id:`, `retry:`, unknown names) are ignored;
//   - at the end of the stream, an event that lacks only its blank line is handed out.
// The data is handed out whole, so a multi-byte UTF-8 character is never cut.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ochat::sse {

class EventSplitter {
 public:
  // Largest event accepted (its data plus the line being read); a larger one is a stream
  // error rather than unbounded memory.
  static constexpr std::size_t kDefaultMaxEvent = std::size_t{64} << 20;

  // Receives the data of one event. It may throw; the splitter is then in no useful state.
  using OnEvent = std::function<void(std::string_view data)>;

  explicit EventSplitter(std::size_t max_event = kDefaultMaxEvent) : max_event_(max_event) {}

  // Calls on_event for each event completed by `bytes`. Throws ochat::Error (stream) when an
  // event grows beyond the limit.
  void feed(std::string_view bytes, const OnEvent& on_event);

  // End of stream: hands out the last event if only its blank line (or the end of its last
  // line) was missing.
  void finish(const OnEvent& on_event);

  // Bytes held back: the partial line and the data of the unfinished event.
  std::size_t pending() const noexcept { return line_.size() + data_.size(); }

 private:
  void keep(std::string_view bytes);
  void take_line(std::string_view line, const OnEvent& on_event);
  void dispatch(const OnEvent& on_event);
  [[noreturn]] void too_big() const;

  std::size_t max_event_;
  std::string line_;       // the line read so far, without its end
  std::string data_;       // the event's data so far, each line followed by '\n'
  bool has_data_ = false;  // a data line was seen (the data may still be empty)
  bool after_cr_ = false;  // the last byte was '\r': a '\n' right after it ends nothing
};

}  // namespace ochat::sse
