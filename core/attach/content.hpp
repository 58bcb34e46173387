#pragma once
// Reading an attachment (or standard input) and deciding what it is: an image ochat can send,
// UTF-8 text, or neither (an error that says what was found).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ochat::attach {

// The largest image sent: above what hosted APIs take (OpenAI: 20 MB), far above what a vision
// model needs (they scale images down to about a megapixel).
inline constexpr std::size_t kMaxImageBytes = 32 * 1024 * 1024;
// The largest text file attached: about two million tokens, beyond any model's context.
inline constexpr std::size_t kMaxTextBytes = 8 * 1024 * 1024;

struct Content {
  std::string media_type;  // "image/png", "image/jpeg", "image/webp", "image/gif" or "text/plain"
  std::string bytes;
  bool is_image() const { return media_type != "text/plain"; }
};

// Reads `fd` to its end (through EINTR). It is an image when its first bytes are those of a
// PNG, JPEG, WebP or GIF file, whatever its name; else it must be UTF-8 text without NUL bytes.
// `subject` starts each message: "cannot attach notes.txt", "cannot use standard input".
// `max_text` is the most bytes of text (std::nullopt: no limit); images are limited to
// kMaxImageBytes. `size_hint`, the size fstat() gave for a regular file (else 0), is reserved
// at once, so that an image is held in exactly its size, and lets a file that is too large be
// refused before it is read.
// Throws ochat::Error (usage), as soon as the bytes read show it (the rest is not read), when it
// is neither an image nor text ("SUBJECT: it is a PDF document, not UTF-8 text or ...", with
// the line and byte of the first invalid UTF-8), is larger than its limit, or cannot be read.
Content read_content(int fd, std::string_view subject, std::optional<std::size_t> max_text,
                     std::uint64_t size_hint = 0);

}  // namespace ochat::attach
