#include "core/chat/continuation_guard.hpp"

#include <algorithm>

namespace ochat::chat {
namespace {

std::string_view without_leading_space(std::string_view s) {
  const auto start = s.find_first_not_of(" \t\r\n");
  return start == std::string_view::npos ? std::string_view() : s.substr(start);
}

}  // namespace

ContinuationGuard::ContinuationGuard(std::string_view answer, std::size_t probe) {
  const std::string_view text = without_leading_space(answer);
  probe_.assign(text.substr(0, std::min(probe, text.size())));
  if (probe_.empty()) state_ = State::continuing;  // nothing that a restart could repeat
}

std::string ContinuationGuard::feed(std::string_view text) {
  switch (state_) {
    case State::continuing:
      return std::string(text);
    case State::restarted:
      return {};
    case State::holding:
      break;
  }
  held_.append(text);
  decide();
  if (state_ != State::continuing) return {};
  std::string released = std::move(held_);
  held_.clear();
  return released;
}

void ContinuationGuard::decide() {
  const std::string_view seen = without_leading_space(held_);
  const std::size_t n = std::min(seen.size(), probe_.size());
  if (seen.substr(0, n) != std::string_view(probe_).substr(0, n)) {
    state_ = State::continuing;
  } else if (n == probe_.size()) {
    state_ = State::restarted;
  }
}

std::string ContinuationGuard::finish() {
  if (state_ != State::holding) return {};
  if (!without_leading_space(held_).empty()) {
    state_ = State::restarted;  // it ended still repeating the answer's beginning
    return {};
  }
  state_ = State::continuing;
  std::string released = std::move(held_);
  held_.clear();
  return released;
}

}  // namespace ochat::chat
