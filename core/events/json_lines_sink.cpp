#include "core/events/json_lines_sink.hpp"

#include <nlohmann/json.hpp>

#include "core/events/json_string.hpp"
#include "core/events/stats.hpp"

namespace ochat::events {

using Json = nlohmann::ordered_json;

void JsonLinesSink::emit(std::string_view type, const Json& data) {
  Json event = Json::object();
  event["type"] = type;
  if (item_) event["item"] = *item_;
  event["data"] = data;
  line_ = event.dump(-1, ' ', false, Json::error_handler_t::replace);
  line_.push_back('\n');
  write(line_);  // one append: a line is never split across writes
}

void JsonLinesSink::emit_text(std::string_view type, std::string_view text) {
  line_.assign(R"({"type":")");
  line_.append(type);  // a name of ours: nothing to escape
  if (item_) {
    line_.append(R"(","item":)");
    line_.append(std::to_string(*item_));
    line_.append(R"(,"data":{"text":)");
  } else {
    line_.append(R"(","data":{"text":)");
  }
  append_json_string(line_, text);
  line_.append("}}\n");
  write(line_);
}

void JsonLinesSink::start(const StartInfo& info) {
  Json data = {{"schema_version", kSchemaVersion}, {"model", info.model}, {"host", info.host}};
  if (!info.attachments.empty()) {
    Json list = Json::array();
    for (const auto& a : info.attachments)
      list.push_back({{"name", a.name}, {"type", a.type}, {"size", a.size}});
    data["attachments"] = std::move(list);
  }
  data["conversation"] = info.conversation.empty() ? Json(nullptr) : Json(info.conversation);
  data["earlier_messages"] = info.earlier_messages;
  emit("start", data);
  flush();
}

void JsonLinesSink::message(std::string_view role, std::string_view content) {
  emit("message", {{"role", role}, {"content", content}});
}

// Tokens and thinking are flushed by the caller once per network read.
void JsonLinesSink::token(std::string_view text) {
  if (!text.empty()) emit_text("token", text);
}

void JsonLinesSink::thinking(std::string_view text) {
  if (!text.empty()) emit_text("thinking", text);
}

void JsonLinesSink::tool_call(const ToolCallInfo& info) {
  emit("tool_call", {{"id", info.id},
                     {"name", info.name},
                     {"arguments", info.arguments ? *info.arguments : Json::object()}});
  flush();
}

void JsonLinesSink::tool_result(const ToolResultInfo& info) {
  emit("tool_result", {{"id", info.id},
                       {"name", info.name},
                       {"content", info.content},
                       {"is_error", info.is_error},
                       {"duration_ms", info.duration_ms}});
  flush();
}

void JsonLinesSink::retry(const RetryInfo& info) {
  Json data = {{"attempt", info.attempt},
               {"max_retries", info.max_retries},
               {"reason", info.reason},
               {"delay_ms", info.delay_ms},
               {"continues", info.continues}};
  if (info.continues) data["answer_bytes"] = info.answer_bytes;
  ++retries_;
  emit("retry", data);
  flush();
}

void JsonLinesSink::error(ErrorKind kind, std::string_view message, std::string_view hint) {
  Json data = {{"kind", kind_name(kind)}, {"message", message}};
  if (!hint.empty()) data["hint"] = hint;
  emit("error", data);
  flush();
}

void JsonLinesSink::done(const DoneInfo& info) {
  Json data = {{"reason", info.reason}};
  for (const auto& [member, name] : kStatsFields) {
    if (const auto& v = info.stats.*member) data[name] = *v;
  }
  if (retries_ > 0) data["retries"] = retries_;
  emit("done", data);
  flush();
}

}  // namespace ochat::events
