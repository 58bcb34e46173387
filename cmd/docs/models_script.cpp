#include <stdexcept>

#include "cmd/docs/documents.hpp"

namespace ochat::cli::docs {
namespace {

// Variables: h the address, s scheme, p port, a host[:port], b base path, n host, x no-proxy.
constexpr std::string_view kModelsScript = R"(
h=$(printf %s "${1:-$OLLAMA_HOST}" | tr -d "[:space:]\"\047")
s=http
p=11434
case $h in
  ollama.com) h=https://ollama.com ;;
esac
case $h in
  *://*) s=${h%%://*}; p=; h=${h#*://} ;;
esac
case $s in
  http|https) ;;
  *) exit 0 ;;
esac
a=${h%%/*}
b=
case $h in
  */*) b=/${h#*/} ;;
esac
while [ "${b%/}" != "$b" ]; do b=${b%/}; done
case $a in
  \[*\]:*) n=${a%\]:*}\]; p=${a##*\]:} ;;
  \[*\]) n=$a ;;
  *:*:*) n=[$a] ;;
  *:*) n=${a%%:*}; p=${a#*:} ;;
  *) n=$a ;;
esac
case $n in
  ""|0.0.0.0) n=127.0.0.1 ;;
  "[::]"|"[0:0:0:0:0:0:0:0]") n=[::1] ;;
esac
x=${NO_PROXY:-$no_proxy}
command -v curl >/dev/null || exit 0
curl -s --max-time 1 --noproxy "localhost,127.0.0.1,::1${x:+,$x}" "$s://$n${p:+:$p}$b/api/tags" |
  tr "{}," "\n\n\n" |
  sed -n "s/^[[:space:]]*\"name\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
)";

}  // namespace

std::string models_script() {
  const std::string script(kModelsScript);
  if (script.find('\'') != std::string::npos || script.find("\\\\") != std::string::npos) {
    throw std::logic_error("kModelsScript must hold neither ' nor \\\\");
  }
  return script;
}

}  // namespace ochat::cli::docs
