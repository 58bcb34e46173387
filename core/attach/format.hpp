#pragma once
// What a file is, from its first bytes (never from its name).
#include <cstddef>
#include <optional>
#include <string_view>

namespace ochat::attach {

// How many first bytes the checks below look at (fewer when the file is shorter).
inline constexpr std::size_t kHeadBytes = 16;

// "image/png", "image/jpeg", "image/webp" or "image/gif" when `head` starts a PNG, JPEG, WebP
// or GIF file (the formats vision models take); empty otherwise.
std::string_view image_media_type(std::string_view head) noexcept;

// A format ochat does not send, for the message that says so.
struct Format {
  std::string_view description;  // "a PDF document"
  std::string_view hint;         // what to do instead ("convert it to PNG or JPEG first"), or empty
};

// The format that starts with `head`, when it is one of the common ones (PDF, archives and
// compressed files, executables, images of other formats, UTF-16 text, ...); std::nullopt when
// it is not known.
std::optional<Format> other_format(std::string_view head) noexcept;

}  // namespace ochat::attach
