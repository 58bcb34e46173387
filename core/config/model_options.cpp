#include "core/config/model_options.hpp"

namespace ochat::config {

const std::vector<KnownOption>& ollama_options() {
  using T = OptionType;
  static const std::vector<KnownOption> options = {
      {"num_keep", T::integer},
      {"seed", T::integer},
      {"num_predict", T::integer},
      {"top_k", T::integer},
      {"top_p", T::number},
      {"min_p", T::number},
      {"typical_p", T::number},
      {"repeat_last_n", T::integer},
      {"temperature", T::number},
      {"repeat_penalty", T::number},
      {"presence_penalty", T::number},
      {"frequency_penalty", T::number},
      {"stop", T::text_list},
      {"num_ctx", T::integer},
      {"num_batch", T::integer},
      {"num_gpu", T::integer},
      {"main_gpu", T::integer},
      {"use_mmap", T::boolean},
      {"num_thread", T::integer},
  };
  return options;
}

const std::vector<KnownOption>& openai_options() {
  using T = OptionType;
  static const std::vector<KnownOption> options = [] {
    std::vector<KnownOption> all = ollama_options();
    const std::vector<KnownOption> more = {
        {"max_tokens", T::integer},
        {"max_completion_tokens", T::integer},
        {"n", T::integer},
        {"logit_bias", T::object},
        {"logprobs", T::boolean},
        {"top_logprobs", T::integer},
        {"user", T::text},
        {"parallel_tool_calls", T::boolean},
        {"reasoning_effort", T::text},
        {"repetition_penalty", T::number},
        {"model", T::reserved},
        {"messages", T::reserved},
        {"tools", T::reserved},
        {"stream", T::reserved},
        {"stream_options", T::reserved},
    };
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }();
  return options;
}

const KnownOption* find_option(const std::vector<KnownOption>& known, std::string_view name) {
  for (const auto& option : known) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

}  // namespace ochat::config
