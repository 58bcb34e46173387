#pragma once
// Tells a model that continues a broken answer from one that starts it again.
//
// After a stream broke, ochat sends the answer so far back as a final assistant message and
// asks the model to continue it. Whether the model continues depends on its prompt format:
// some formats close that message and open a new turn, and the model then answers again from
// the start. The guard holds back the first text of the continuation until it is clear
// whether that text repeats the beginning of the answer already printed:
//   - leading white space is ignored on both sides;
//   - once the continuation differs from the answer's beginning, everything held back is
//     released and the rest passes straight through (a continuation);
//   - once it repeats the first kProbe bytes of the answer (or the whole answer, when that is
//     shorter), the model restarted: nothing held back is ever released;
//   - a continuation that ends while it still repeats a part of the answer's beginning counts
//     as a restart too (a restart is never printed as if it were the continuation).
// Limits: a restart that words its beginning differently (sampling with a temperature) is not
// recognised and is printed; a real continuation that happens to begin with the same bytes as
// the answer (a list or code repeating its first line) is taken for a restart.
#include <cstddef>
#include <string>
#include <string_view>

namespace ochat::chat {

class ContinuationGuard {
 public:
  static constexpr std::size_t kProbe = 16;

  enum class State { holding, continuing, restarted };

  // `answer`: the answer printed before the break (only its first bytes are kept).
  explicit ContinuationGuard(std::string_view answer, std::size_t probe = kProbe);

  // The next text of the continuation. Returns the text that may be printed now: nothing while
  // holding or once restarted; what was held back plus `text` when the continuation is
  // recognised; `text` itself after that.
  std::string feed(std::string_view text);
  // The continuation ended. Returns what was still held back when that makes it a
  // continuation (only white space held); otherwise the state becomes `restarted`.
  std::string finish();

  State state() const noexcept { return state_; }
  bool restarted() const noexcept { return state_ == State::restarted; }

 private:
  void decide();

  std::string probe_;  // the answer's first bytes, leading white space removed
  std::string held_;   // the continuation so far, while holding
  State state_ = State::holding;
};

}  // namespace ochat::chat
