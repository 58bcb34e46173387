#include "core/batch/item_chat.hpp"

#include <fmt/format.h>

#include "core/batch/item_sink.hpp"
#include "core/chat/cut_tool_calls.hpp"
#include "core/config/option_value.hpp"
#include "core/text/excerpt.hpp"

namespace ochat::batch {

using Json = nlohmann::ordered_json;

Json item_options(const Json& base, const Json& given, config::Api api) {
  Json options = base;
  const auto& known = config::backend_entry(api).options();
  for (auto it = given.begin(); it != given.end(); ++it) {
    std::string key = it.key();
    Json value = *it;
    if (key.starts_with('!')) {
      key.erase(0, 1);
    } else {
      const config::KnownOption* option = config::find_option(known, key);
      if (!option) {
        throw Error(ErrorKind::usage, fmt::format("the item's option \"{}\" is unknown", key),
                    "write \"!" + key + "\" to send it unchecked");
      }
      if (option->type == config::OptionType::reserved) {
        throw Error(ErrorKind::usage,
                    fmt::format("the item's option \"{}\" is set by ochat itself", key));
      }
      auto checked = config::json_option_value(*option, value);
      if (!checked) {
        throw Error(
            ErrorKind::usage,
            fmt::format(
                "the item's option \"{}\" takes {}, got {}", key,
                config::type_description(option->type),
                text::excerpt(value.dump(-1, ' ', false, Json::error_handler_t::replace), 60)));
      }
      value = std::move(*checked);
    }
    if (key.empty()) throw Error(ErrorKind::usage, "the item has an option without a name");
    options[key] = std::move(value);
  }
  return options;
}

namespace {

std::string masked(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[API key]");
  }
  return text;
}

void fail(ItemResult& result, const Error& error, const std::string& secret,
          events::EventSink& sink, const events::DoneInfo& done) {
  result.error = Error(error.kind(), masked(error.what(), secret), masked(error.hint(), secret));
  sink.error(result.error->kind(), result.error->what(), result.error->hint());
  sink.done(done);
}

}  // namespace

ItemResult run_item(const Item& item, const ItemChat& chat, const chat::Backend& backend,
                    http::Transport& transport, events::EventSink* forward,
                    const sys::CancelToken& cancel, const std::atomic<bool>* stop) {
  ItemResult result;
  result.index = item.index;
  result.id = item.id;
  result.input = item.input;
  ItemSink sink(result, forward, stop);
  try {
    if (item.error) throw *item.error;
    chat::ChatRequest request = chat.base;
    if (item.model) request.model = *item.model;
    if (request.model.empty()) {
      throw Error(ErrorKind::usage, "no model given",
                  "use -m NAME, set OCHAT_MODEL, or give the item a \"model\"");
    }
    if (!item.options.empty())
      request.options = item_options(request.options, item.options, chat.api);
    const std::string& system = item.system ? *item.system : chat.system;
    if (!system.empty()) request.messages.push_back(chat::Message::text("system", system));
    request.messages.push_back(chat::Message::text("user", item_message(item, chat.prompt)));
    const chat::TurnContext turn{backend, transport, sink, chat.timeouts, cancel};
    const chat::ConversationResult end =
        chat::run_conversation(turn, std::move(request), chat.conversation);
    if (end.end != chat::TurnResult::End::done) result.interrupted = true;
  } catch (const chat::CutToolCallsError& e) {
    fail(result, e, chat.secret, sink, {"length", e.stats()});
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted || cancel.requested() != 0) {
      result.interrupted = true;
      sink.done({"interrupted", {}});
    } else {
      fail(result, e, chat.secret, sink, {"error", {}});
    }
  } catch (const std::exception& e) {
    fail(result, Error(ErrorKind::internal, e.what()), chat.secret, sink, {"error", {}});
  }
  sink.flush();
  return result;
}

}  // namespace ochat::batch
