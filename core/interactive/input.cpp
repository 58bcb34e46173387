#include "core/interactive/input.hpp"

namespace ochat::interactive {
namespace {

constexpr std::string_view kQuotes = R"(""")";

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

void InputAssembler::reset() {
  in_block_ = false;
  started_ = false;
  text_.clear();
}

Input InputAssembler::finish(Input::Kind kind) {
  Input input{kind, std::move(text_)};
  reset();
  if (input.kind == Input::Kind::message && is_blank(input.text)) return {};
  return input;
}

Input InputAssembler::add(std::string_view line, bool more_pending) {
  if (in_block_) {
    const bool closes = ends_with(line, kQuotes);
    if (closes) line.remove_suffix(kQuotes.size());
    if (!closes || !line.empty()) {
      if (started_) text_ += '\n';
      text_ += line;
      started_ = true;
    }
    return closes ? finish(Input::Kind::message) : Input{};
  }
  if (!started_ && starts_with(line, kQuotes)) {
    line.remove_prefix(kQuotes.size());
    in_block_ = true;
    if (line.empty()) return {};
    return add(line, more_pending);  // text after the quotes: the block's first line
  }
  if (!started_ && !more_pending && starts_with(line, "/")) {
    text_ = std::string(line);
    return finish(Input::Kind::command);
  }
  if (started_) text_ += '\n';
  text_ += line;
  started_ = true;
  if (more_pending) return {};
  return finish(Input::Kind::message);
}

}  // namespace ochat::interactive
