#include "core/batch/ordered_window.hpp"

#include <stdexcept>

namespace ochat::batch {

OrderedWindow::OrderedWindow(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::vector<std::string> OrderedWindow::finish(std::size_t index, std::optional<std::string> text) {
  if (index < next_ || !can_start(index)) {
    throw std::logic_error("OrderedWindow::finish: index outside the window");
  }
  const std::size_t at = index - next_;
  if (slots_.size() <= at) slots_.resize(at + 1);
  if (slots_[at].finished) throw std::logic_error("OrderedWindow::finish: index given twice");
  slots_[at].finished = true;
  slots_[at].text = std::move(text);
  ++held_;
  std::vector<std::string> due;
  while (!slots_.empty() && slots_.front().finished) {
    if (slots_.front().text) due.push_back(std::move(*slots_.front().text));
    slots_.pop_front();
    --held_;
    ++next_;
  }
  return due;
}

std::vector<std::string> OrderedWindow::drain() {
  std::vector<std::string> all;
  for (auto& slot : slots_) {
    if (slot.finished && slot.text) all.push_back(std::move(*slot.text));
  }
  slots_.clear();
  held_ = 0;
  return all;
}

}  // namespace ochat::batch
