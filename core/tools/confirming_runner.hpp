#pragma once
// --confirm: asks the person at the terminal before each tool call.
#include <string>

#include "core/chat/tool_runner.hpp"

namespace ochat::tools {

class Confirmer {
 public:
  virtual ~Confirmer() = default;
  // Asks `question`; true for yes. An interruption (the cancel token) counts as no.
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
  ConfirmingRunner(chat::ToolRunner& inner, Confirmer& confirmer) : inner_(inner), confirmer_(confirmer) {}
  // A declined call is not run; the model is told the user declined it.
  chat::ToolOutcome run(const chat::ToolCall& call, const sys::CancelToken& cancel) override;

 private:
  chat::ToolRunner& inner_;
  Confirmer& confirmer_;
};

}  // namespace ochat::tools
