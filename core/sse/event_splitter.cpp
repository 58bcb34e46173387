#include "core/sse/event_splitter.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace ochat::sse {

void EventSplitter::feed(std::string_view bytes, const OnEvent& on_event) {
  while (!bytes.empty()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes.front() == '\n') {  // the second half of a CRLF
        bytes.remove_prefix(1);
        continue;
      }
    }
    const std::size_t end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      keep(bytes);
      return;
    }
    after_cr_ = bytes[end] == '\r';
    if (line_.empty()) {
      take_line(bytes.substr(0, end), on_event);
    } else {
      keep(bytes.substr(0, end));
      const std::string line = std::move(line_);
      line_.clear();
      take_line(line, on_event);
    }
    bytes.remove_prefix(end + 1);
  }
}

void EventSplitter::finish(const OnEvent& on_event) {
  after_cr_ = false;
  if (!line_.empty()) {
    const std::string line = std::move(line_);
    line_.clear();
    take_line(line, on_event);
  }
  dispatch(on_event);
}

void EventSplitter::keep(std::string_view bytes) {
  if (line_.size() + data_.size() + bytes.size() > max_event_) too_big();
  line_.append(bytes);
}

void EventSplitter::take_line(std::string_view line, const OnEvent& on_event) {
  if (line.empty()) {
    dispatch(on_event);
    return;
  }
  if (line.front() == ':') return;  // a comment
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  if (field != "data") return;  // event, id, retry and unknown fields
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (data_.size() + value.size() + 1 > max_event_) too_big();
  data_.append(value);
  data_.push_back('\n');
  has_data_ = true;
}

void EventSplitter::dispatch(const OnEvent& on_event) {
  if (!has_data_) return;
  std::string data = std::move(data_);
  data_.clear();
  has_data_ = false;
  data.pop_back();  // the '\n' after the last data line
  on_event(data);
}

void EventSplitter::too_big() const {
  throw Error(ErrorKind::stream,
              max_event_ >= (std::size_t{1} << 20)
                  ? fmt::format("the server sent an event larger than {} MiB", max_event_ >> 20)
                  : fmt::format("the server sent an event larger than {} bytes", max_event_));
}

}  // namespace ochat::sse
