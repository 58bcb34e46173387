#pragma once
// One item of a batch (ochat --each): a line of plain text, or a JSON object (--each-jsonl)
// whose fields override the command line for that item.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ochat::batch {

struct Item {
  std::size_t index = 0;  // 0-based among the items (blank lines are not items)
  std::string input;      // the item's text: the line, or the JSON object's "prompt"
  // From a JSON object; each absent field leaves the command line's value.
  std::optional<nlohmann::ordered_json> id;  // a string or a number, echoed in the result
  std::optional<std::string> system;
  std::optional<std::string> model;
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // added to -o's
  // The line could not be read as an item (not JSON, no "prompt", a field of the wrong type):
  // the item fails with this error, the batch goes on.
  std::optional<Error> error;
};

// A plain line: its text, as it is.
Item plain_item(std::size_t index, std::string_view line);

// A line of --each-jsonl: {"prompt": TEXT, "id": STRING|NUMBER, "system": TEXT, "model": TEXT,
// "options": {...}}, only "prompt" required; other fields are ignored. Never throws: a line that
// is not such an object gives an item with `error` (kind usage) and the line as its input.
Item jsonl_item(std::size_t index, std::string_view line);

// The user's message for an item: its text, then a blank line and `prompt` when there is one.
std::string item_message(const Item& item, std::string_view prompt);

}  // namespace ochat::batch
