#include "core/http/request_body.hpp"

#include <algorithm>
#include <cstring>

#include "core/text/base64.hpp"

namespace ochat::http {

std::size_t body_size(const Request& request) noexcept {
  std::size_t size = request.body.size();
  for (const auto& insert : request.inserts)
    size += text::base64_size(insert.bytes ? insert.bytes->size() : 0);
  return size;
}

std::size_t read_body(const Request& request, std::size_t pos, char* out,
                      std::size_t max) noexcept {
  // The body is a run of pieces: text, insert, text, insert, ..., text. `start` is where the
  // current piece begins in the body sent, `text_at` where the next text piece begins in `body`.
  std::size_t written = 0;
  std::size_t start = 0;
  std::size_t text_at = 0;
  auto copy_text = [&](std::size_t text_end) {
    const std::size_t length = text_end - text_at;
    if (pos < start + length && written < max) {
      const std::size_t from = pos - start;
      const std::size_t n = std::min(length - from, max - written);
      std::memcpy(out + written, request.body.data() + text_at + from, n);
      written += n;
      pos += n;
    }
    start += length;
    text_at = text_end;
  };
  for (const auto& insert : request.inserts) {
    copy_text(std::min(insert.offset, request.body.size()));
    const std::string_view bytes =
        insert.bytes ? std::string_view(*insert.bytes) : std::string_view();
    const std::size_t length = text::base64_size(bytes.size());
    if (pos < start + length && written < max) {
      const std::size_t from = pos - start;
      const std::size_t n = std::min(length - from, max - written);
      text::base64_slice(bytes, from, n, out + written);
      written += n;
      pos += n;
    }
    start += length;
  }
  copy_text(request.body.size());
  return written;
}

std::string whole_body(const Request& request) {
  std::string body(body_size(request), '\0');
  const std::size_t n = read_body(request, 0, body.data(), body.size());
  body.resize(n);
  return body;
}

}  // namespace ochat::http
