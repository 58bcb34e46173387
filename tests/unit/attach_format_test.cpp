// attach::image_media_type and attach::other_format: what a file is, by its first bytes.
#include <catch2/catch.hpp>
#include <string>

#include "core/attach/format.hpp"

using namespace ochat::attach;
using namespace std::string_literals;

TEST_CASE("attach::image_media_type knows PNG, JPEG, WebP and GIF by their first bytes") {
  CHECK(image_media_type("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s) == "image/png");
  CHECK(image_media_type("\xFF\xD8\xFF\xE0\0\x10JFIF"s) == "image/jpeg");
  CHECK(image_media_type("\xFF\xD8\xFF\xE1\0\x10"
                         "Exif"s) == "image/jpeg");
  CHECK(image_media_type("RIFF\x24\x00\x00\x00WEBPVP8 "s) == "image/webp");
  CHECK(image_media_type("GIF89a\x01\0\x01\0"s) == "image/gif");
  CHECK(image_media_type("GIF87a"s) == "image/gif");
}

TEST_CASE("attach::image_media_type refuses look-alikes and short heads") {
  CHECK(image_media_type("").empty());
  CHECK(image_media_type("\x89PNG\r\n").empty());              // cut short
  CHECK(image_media_type("RIFF\x24\0\0\0WAVEfmt "s).empty());  // a WAV file
  CHECK(image_media_type("RIFF").empty());
  CHECK(image_media_type("GIF88a").empty());
  CHECK(image_media_type("PNG image").empty());
  CHECK(image_media_type("\xFF\xD8").empty());
}

TEST_CASE("attach::other_format names common formats that ochat does not send") {
  CHECK(other_format("%PDF-1.7\n%\xE2\xE3").value().description == "a PDF document");
  CHECK_FALSE(other_format("%PDF-1.7").value().hint.empty());
  CHECK(other_format("II*\0\x08\0\0\0"s).value().description == "a TIFF image");
  CHECK(other_format("II*").has_value() == false);  // the NUL of the magic is needed
  CHECK(other_format("\0\0\0\x18"
                     "ftypheic"s)
            .value()
            .description == "a HEIC image");
  CHECK(other_format("\0\0\0\x18"
                     "ftypisom"s)
            .value()
            .description == "a video or audio file (MP4, QuickTime)");
  CHECK(other_format("\xFF\xFEh\0i\0"s).value().description == "UTF-16 text");
  CHECK(other_format("\x7F"
                     "ELF\x02\x01"s)
            .value()
            .description == "an executable (ELF)");
  CHECK_FALSE(other_format("just some text").has_value());
  CHECK_FALSE(other_format("").has_value());
}
