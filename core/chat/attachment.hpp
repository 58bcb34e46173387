#pragma once
// A file attached to a user message (-a FILE): an image, sent with the message, or a text file,
// whose text is already in the message's content (delimited and labelled with its name).
#include <cstdint>
#include <memory>
#include <string>

namespace ochat::chat {

struct Attachment {
  std::string name;        // as given on the command line; "-" for standard input
  std::string media_type;  // "image/png", "image/jpeg", "image/webp", "image/gif" or "text/plain"
  std::uint64_t size = 0;  // in bytes
  // Images only: the file's bytes, shared, since a message is copied into every request of a
  // run. The request builders send them base64-encoded (Ollama's `images`, OpenAI's data: URLs);
  // a saved conversation keeps them the same way. Empty for text files.
  std::shared_ptr<const std::string> bytes;

  bool is_image() const { return media_type.rfind("image/", 0) == 0; }
};

}  // namespace ochat::chat
