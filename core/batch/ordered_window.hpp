#pragma once
// The ordering of a batch's results: items finish in any order, their results are written in
// input order, each as soon as it and every item before it have finished. How far ahead of the
// oldest unfinished item a new one may start is bounded (`capacity`), so that one slow item
// holds back at most `capacity` finished results, however long the batch.
// Not thread-safe: the batch runner holds its lock around every call.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace ochat::batch {

class OrderedWindow {
 public:
  // `capacity` >= 1: items from the oldest unwritten one on that may be started or held.
  explicit OrderedWindow(std::size_t capacity);

  // Whether item `index` may start now: index < first unwritten index + capacity.
  bool can_start(std::size_t index) const noexcept { return index < next_ + capacity_; }

  // Item `index` (not earlier than the first unwritten one, within the window, given once)
  // finished with `text` to write; nullopt: nothing to write for it (skipped by --resume, or
  // cut short by a signal). Returns the texts that are now due, in order.
  std::vector<std::string> finish(std::size_t index, std::optional<std::string> text);

  // Every text still held, in index order, gaps and all (at the end of an interrupted batch).
  std::vector<std::string> drain();

  std::size_t next_unwritten() const noexcept { return next_; }
  // Finished results waiting for an earlier item.
  std::size_t held() const noexcept { return held_; }

 private:
  struct Slot {
    bool finished = false;
    std::optional<std::string> text;
  };
  std::size_t capacity_;
  std::size_t next_ = 0;    // index of slots_.front()
  std::deque<Slot> slots_;  // from next_ on, as far as an item has finished
  std::size_t held_ = 0;
};

}  // namespace ochat::batch
