// --list-models and --list-tools.
#include "cmd/mode_support.hpp"
#include "core/chat/model_list.hpp"
#include "core/http/curl_transport.hpp"
#include "core/sys/signals.hpp"

namespace ochat::cmd {

int print_text(const std::string& text, RunContext& context) {
  context.out.append(text);
  context.out.flush();
  return kExitOk;
}

int run_list_models(const config::Options& options, RunContext& context) {
  const config::Settings settings = resolve(options, context);
  sys::SignalGuard signals;
  context.cancel = signals.token();
  const std::unique_ptr<chat::Backend> backend = config::make_backend(settings);
  http::CurlTransport transport;
  const auto names =
      chat::list_models({*backend, transport, context.sink, settings.timeouts, context.cancel});
  if (!names) return 128 + context.cancel.requested();
  for (const auto& name : *names) context.out.append(name + "\n");
  context.out.flush();
  return kExitOk;
}

int run_list_tools(const config::Options& options, RunContext& context) {
  const config::Settings settings = resolve(options, context);
  sys::SignalGuard signals;
  context.cancel = signals.token();
  tools::Registry registry;
  load_tools(options, settings, context, registry);
  for (const auto& e : registry.entries())
    context.out.append(e.name + "\t" + e.provider->source() + "\n");
  context.out.flush();
  return kExitOk;
}

}  // namespace ochat::cmd
