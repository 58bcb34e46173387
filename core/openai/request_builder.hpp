#pragma once
// The JSON body of an OpenAI-style POST {base}/chat/completions request.
//
// What ochat's request settings become (the protocol has no `options` object):
//   -o KEY=VALUE      a top-level field KEY with the typed VALUE (temperature, top_p,
//                     max_tokens, seed, stop, presence_penalty, frequency_penalty, ...), so
//                     that a server's own extensions (llama.cpp's top_k, min_p,
//                     repeat_penalty; vLLM's top_k, repetition_penalty) can be used too.
//                     Ollama's name num_predict becomes max_tokens (a negative value, "no
//                     limit" for Ollama, is left out). The fields ochat writes itself (model,
//                     messages, tools, stream, stream_options) cannot be set this way.
//   --format json     "response_format": {"type": "json_object"}
//   --format SCHEMA   "response_format": {"type": "json_schema",
//                                         "json_schema": {"name": "response", "schema": SCHEMA}}
//   --think=LEVEL     "reasoning_effort": "low" | "medium" | "high" ("max" is sent as "high",
//                     the highest level the protocol has)
//   --think           nothing: the protocol has no switch; a reasoning model reasons anyway
//   --no-think        "reasoning_effort": "none" (Ollama's /v1 and newer hosted models turn
//                     thinking off with it; a server that does not know it may refuse it)
//   --keep-alive      not sent (settings refuse it with --api openai)
// A request that continues a broken answer (continue_answer) adds "continue_final_message":
// true and "add_generation_prompt": false, which vLLM needs to continue the final assistant
// message instead of starting a new one.
// Messages: an assistant message's thinking is not sent back (some servers refuse it); its
// tool calls are {"id", "type": "function", "function": {"name", "arguments": TEXT}} with the
// arguments as the JSON text the server sent; a tool result is {"role": "tool",
// "tool_call_id", "content"}. A message with images has its content as parts: an
// {"type": "image_url", "image_url": {"url": "data:MEDIA_TYPE;base64,..."}} for each image, in
// order, then {"type": "text", "text": CONTENT} (left out when the content is empty); the
// base64 is written as chat::image_slot() for chat::set_body() to fill in.
#include <string>

#include "core/chat/message.hpp"

namespace ochat::openai {

// Throws ochat::Error (usage) when an option names a field ochat writes itself, or gives
// both num_predict and max_tokens.
nlohmann::ordered_json chat_body(const chat::ChatRequest& request);
// chat_body(request) as dump(-1, ' ', false, replace) writes it, byte for byte, without
// building the messages' DOM (a continued conversation may have thousands). Throws like
// chat_body().
std::string chat_body_text(const chat::ChatRequest& request);

// The -o options as top-level fields (see above). Throws like chat_body().
nlohmann::ordered_json top_level_options(const nlohmann::ordered_json& options);

}  // namespace ochat::openai
