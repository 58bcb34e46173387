#include "core/batch/item.hpp"

#include <fmt/format.h>

namespace ochat::batch {

using Json = nlohmann::ordered_json;

Item plain_item(std::size_t index, std::string_view line) {
  Item item;
  item.index = index;
  item.input = std::string(line);
  return item;
}

namespace {

Error bad_line(std::string message) {
  return Error(ErrorKind::usage, std::move(message),
               "each line of --each-jsonl is an object such as {\"prompt\": \"...\"}");
}

std::optional<std::string> text_field(const Json& doc, const char* name) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw bad_line(fmt::format("the item's \"{}\" is not a string", name));
  return it->get<std::string>();
}

}  // namespace

Item jsonl_item(std::size_t index, std::string_view line) {
  Item item;
  item.index = index;
  item.input = std::string(line);
  const Json doc = Json::parse(line, nullptr, false);
  try {
    if (doc.is_discarded()) throw bad_line("the item is not valid JSON");
    if (!doc.is_object()) throw bad_line("the item is not a JSON object");
    const auto prompt = text_field(doc, "prompt");
    if (!prompt) throw bad_line("the item has no \"prompt\"");
    item.input = *prompt;
    if (const auto id = doc.find("id"); id != doc.end() && !id->is_null()) {
      if (!id->is_string() && !id->is_number()) {
        throw bad_line("the item's \"id\" is not a string or a number");
      }
      item.id = *id;
    }
    item.system = text_field(doc, "system");
    item.model = text_field(doc, "model");
    if (const auto options = doc.find("options"); options != doc.end() && !options->is_null()) {
      if (!options->is_object()) throw bad_line("the item's \"options\" is not a JSON object");
      item.options = *options;
    }
  } catch (const Error& e) {
    item.error = e;
  }
  return item;
}

std::string item_message(const Item& item, std::string_view prompt) {
  if (prompt.empty()) return item.input;
  std::string message = item.input;
  message += "\n\n";
  message += prompt;
  return message;
}

}  // namespace ochat::batch
