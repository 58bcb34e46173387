// libFuzzer target: the filter that makes a model's answer, its thinking and a tool's output safe
// to write to a terminal (interactive mode).
//
// Input layout: byte 0 picks the piece sizes (1 to 16 bytes, or all at once); the rest is the
// text, as a server or a plugin may send it.
//
// Oracle: no crash, no sanitizer report; what comes out is valid UTF-8 with no control
// character but newline and tab (no ESC, no C1 control, no NUL, no lone carriage return), the
// same whatever the pieces, and filtering it again changes nothing.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text/terminal_filter.hpp"
#include "core/text/utf8.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool safe(std::string_view out) {
  if (ochat::text::scan_utf8(out).valid != out.size()) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) < 0xA0)
      return false;  // U+0080..U+009F
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = data[0] % 17 == 0 ? size : data[0] % 17;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::string whole = ochat::text::terminal_safe(in);
  require(safe(whole));
  ochat::text::TerminalFilter filter;
  std::string pieces;
  for (std::size_t at = 0; at < in.size(); at += step)
    pieces += filter.filter(in.substr(at, std::min(step, in.size() - at)));
  pieces += filter.finish();
  require(pieces == whole);
  require(ochat::text::terminal_safe(whole) == whole);
  // After finish() the filter starts afresh.
  std::string again = filter.filter(in);
  again += filter.finish();
  require(again == whole);
  return 0;
}
