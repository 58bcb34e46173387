#include "cmd/generate.hpp"

#include <fmt/format.h>

#include "cmd/docs/documents.hpp"
#include "core/error.hpp"

namespace ochat::cli {

std::string generate(const CLI::App& app, std::string_view name) {
  const docs::Spec spec = docs::read_spec(app);
  if (name == "man") return docs::man_options(spec);
  if (name == "bash") return docs::bash_completion(spec);
  if (name == "zsh") return docs::zsh_completion(spec);
  if (name == "fish") return docs::fish_completion(spec);
  throw Error(ErrorKind::usage,
              fmt::format("--generate takes man, bash, zsh or fish, not '{}'", name));
}

}  // namespace ochat::cli
