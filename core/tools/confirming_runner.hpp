#pragma once
// --confirm: asks the person at the terminal before each tool call.
#include <functional>
#include <string>

#include "core/chat/tool_runner.hpp"

namespace ochat::tools {

class Confirmer {
 public:
  virtual ~Confirmer() = default;
  // Asks `question`; true for yes. An interruption (the cancel token) counts as no; the
  // caller tells it from a no by the token.
  virtual bool confirm(const std::string& question, const sys::CancelToken& cancel) = 0;
};

// Asks on /dev/tty, so it works when stdin is a pipe. The constructor throws ochat::Error
// (usage) when there is no terminal to ask on.
class TtyConfirmer final : public Confirmer {
 public:
  TtyConfirmer();
  ~TtyConfirmer() override;
  TtyConfirmer(const TtyConfirmer&) = delete;
  TtyConfirmer& operator=(const TtyConfirmer&) = delete;
  bool confirm(const std::string& question, const sys::CancelToken& cancel) override;

 private:
  int fd_;
};

class ConfirmingRunner final : public chat::ToolRunner {
 public:
  // `before_asking` runs before each question (the output sink ends its lines, so that the
  // question starts on a line of its own).
  ConfirmingRunner(chat::ToolRunner& inner, Confirmer& confirmer,
                   std::function<void()> before_asking = {})
      : inner_(inner), confirmer_(confirmer), before_asking_(std::move(before_asking)) {}
  // Asks. Yes: nothing (run it). No: an error outcome telling the model the user declined.
  // Interrupted while asking: an `interrupted` outcome (the run ends; the model is told nothing).
  std::optional<chat::ToolOutcome> approve(const chat::ToolCall& call,
                                           const sys::CancelToken& cancel) override;
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override {
    return inner_.run(call, cancel);
  }

 private:
  chat::ToolRunner& inner_;
  Confirmer& confirmer_;
  std::function<void()> before_asking_;
};

}  // namespace ochat::tools
