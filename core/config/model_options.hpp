#pragma once
// The model options (-o KEY=VALUE) each protocol documents, with the type of their value, so
// that a typo or a wrong type is caught before anything is sent.
#include <string_view>
#include <vector>

namespace ochat::config {

enum class OptionType {
  integer,    // a whole number: -o num_ctx=8192
  number,     // any number: -o temperature=0.2
  boolean,    // true or false: -o use_mmap=false
  text,       // a string, as given
  text_list,  // strings: each -o adds one (or a JSON array of strings adds several): stop
  object,     // a JSON object: -o 'logit_bias={"50256":-100}'
  reserved,   // a field ochat writes itself: refused
};

struct KnownOption {
  std::string_view name;
  OptionType type;
};

// Ollama's `options` (the Modelfile parameters of its api/types.go).
const std::vector<KnownOption>& ollama_options();

// For --api openai: the fields of the chat-completions request ochat leaves to -o (OpenAI's, and
// llama.cpp's and vLLM's sampling extensions), Ollama's options too (num_predict becomes
// max_tokens; servers ignore the rest or take them as extensions), and the fields ochat writes
// itself, as reserved.
const std::vector<KnownOption>& openai_options();

// The entry called `name`, or nullptr.
const KnownOption* find_option(const std::vector<KnownOption>& known, std::string_view name);

}  // namespace ochat::config
