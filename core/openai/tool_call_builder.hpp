#pragma once
// Joins the streamed pieces of a turn's tool calls, per index, into whole calls.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/chat/chunk.hpp"
#include "core/openai/chunk_parser.hpp"

namespace ochat::openai {

class ToolCallBuilder {
 public:
  // The id and the name are taken from the first piece that has them (some servers repeat
  // them in every piece); the arguments fragments are appended in arrival order.
  void add(const ToolCallDelta& delta);

  bool empty() const noexcept { return calls_.empty(); }

  // The calls in index order, their arguments text parsed; empties the builder. A call
  // without an id gets "call_INDEX"; empty arguments mean {}. Throws ochat::Error (stream)
  // for a call without a name or whose arguments are not a JSON object, naming the tool.
  // With `cut` (the reply ended at the token limit, so the last call may be unfinished) nothing
  // is refused: such a call keeps {} as its arguments and the text as it came in
  // arguments_text; the caller runs none of them (see chat::CutToolCallsError).
  std::vector<chat::ToolCall> take(bool cut = false);

 private:
  struct Partial {
    std::string id;
    std::string name;
    std::string arguments;
  };
  std::map<std::size_t, Partial> calls_;
};

}  // namespace ochat::openai
