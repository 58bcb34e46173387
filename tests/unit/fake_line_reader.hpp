#pragma once
// A LineReader that plays a script: each read_line() takes the next input, remembering the
// prompt it was shown with; a step may raise a signal (as Ctrl-C or SIGTERM would) first.
#include <atomic>
#include <deque>
#include <string>
#include <vector>

#include "core/io/line_reader.hpp"

namespace ochat::test {

class FakeLineReader final : public io::LineReader {
 public:
  struct Step {
    io::LineInput input;
    bool pending_after = false;  // more input has arrived (a paste goes on)
    int signal = 0;              // stored in `signal_` before the input is returned
  };

  explicit FakeLineReader(std::atomic<int>& signal) : signal_(signal) {}

  FakeLineReader& line(std::string text, bool pending_after = false) {
    steps_.push_back({{io::LineInput::Kind::line, std::move(text)}, pending_after, 0});
    return *this;
  }
  FakeLineReader& interrupt(int signal) {
    steps_.push_back({{io::LineInput::Kind::interrupted, {}}, false, signal});
    return *this;
  }
  FakeLineReader& end() {
    steps_.push_back({{io::LineInput::Kind::end, {}}, false, 0});
    return *this;
  }

  io::LineInput read_line(const std::string& prompt) override {
    prompts.push_back(prompt);
    if (steps_.empty()) return {io::LineInput::Kind::end, {}};
    Step step = std::move(steps_.front());
    steps_.pop_front();
    if (step.signal != 0) signal_ = step.signal;
    pending_ = step.pending_after;
    return step.input;
  }
  bool input_pending() override { return pending_; }
  void add_history(const std::string& entry) override { history.push_back(entry); }

  std::vector<std::string> prompts;
  std::vector<std::string> history;

 private:
  std::atomic<int>& signal_;
  std::deque<Step> steps_;
  bool pending_ = false;
};

}  // namespace ochat::test
