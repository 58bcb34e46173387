#include "core/attach/format.hpp"

#include <array>

namespace ochat::attach {
namespace {

using namespace std::string_view_literals;  // "..."sv keeps the NUL bytes of a magic

bool starts(std::string_view head, std::string_view magic) noexcept {
  return head.substr(0, magic.size()) == magic;
}

bool at(std::string_view head, std::size_t offset, std::string_view magic) noexcept {
  return head.size() >= offset && starts(head.substr(offset), magic);
}

constexpr std::string_view kConvertImage = "convert it to PNG or JPEG first";

struct Magic {
  std::size_t offset;
  std::string_view bytes;
  Format format;
};

// Later entries are checked only when no earlier one matched.
constexpr std::array<Magic, 20> kFormats = {{
    {0, "%PDF-"sv, {"a PDF document", "extract its text first, e.g. with pdftotext"}},
    {0, "PK\x03\x04"sv, {"a ZIP archive (or a document stored as one: docx, xlsx, odt, epub)", ""}},
    {0, "\x1f\x8b"sv, {"gzip-compressed data", "decompress it first"}},
    {0, "BZh"sv, {"bzip2-compressed data", "decompress it first"}},
    {0,
     "\xFD"
     "7zXZ"sv,
     {"xz-compressed data", "decompress it first"}},
    {0, "(\xB5/\xFD"sv, {"zstd-compressed data", "decompress it first"}},
    {0, "7z\xBC\xAF"sv, {"a 7-Zip archive", ""}},
    {0, "Rar!"sv, {"a RAR archive", ""}},
    {0,
     "\x7F"
     "ELF"sv,
     {"an executable (ELF)", ""}},
    {0, "SQLite format 3"sv, {"an SQLite database", ""}},
    {4, "ftypheic"sv, {"a HEIC image", kConvertImage}},
    {4, "ftypheix"sv, {"a HEIC image", kConvertImage}},
    {4, "ftypmif1"sv, {"a HEIF image", kConvertImage}},
    {4, "ftypavif"sv, {"an AVIF image", kConvertImage}},
    {4, "ftyp"sv, {"a video or audio file (MP4, QuickTime)", ""}},
    {0, "II*\0"sv, {"a TIFF image", kConvertImage}},
    {0, "MM\0*"sv, {"a TIFF image", kConvertImage}},
    {0, "BM"sv, {"a BMP image", kConvertImage}},
    {0, "\xFF\xFE"sv, {"UTF-16 text", "convert it to UTF-8 first, e.g. iconv -f utf-16 -t utf-8"}},
    {0, "\xFE\xFF"sv, {"UTF-16 text", "convert it to UTF-8 first, e.g. iconv -f utf-16 -t utf-8"}},
}};

}  // namespace

std::string_view image_media_type(std::string_view head) noexcept {
  if (starts(head, "\x89PNG\r\n\x1a\n"sv)) return "image/png";
  if (starts(head, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts(head, "GIF87a") || starts(head, "GIF89a")) return "image/gif";
  if (starts(head, "RIFF") && at(head, 8, "WEBP")) return "image/webp";
  return {};
}

std::optional<Format> other_format(std::string_view head) noexcept {
  for (const auto& magic : kFormats) {
    if (at(head, magic.offset, magic.bytes)) return magic.format;
  }
  return std::nullopt;
}

}  // namespace ochat::attach
