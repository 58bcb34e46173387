#pragma once
// How the request builders put images into a body without copying them. A builder writes
// image_slot(i) where the base64 of the request's i-th image goes (images counted over all
// messages, in order: images_of()); set_body() then makes the dumped JSON the request's body,
// each slot replaced by an insert that the transport encodes while it sends (http::Base64Insert).
// A slot holds a random number drawn once per process, so that no text of the request (a
// prompt, a tool's output) can be taken for one.
#include <cstddef>
#include <string>
#include <vector>

#include "core/chat/message.hpp"
#include "core/http/transport.hpp"

namespace ochat::chat {

// The text that stands for the i-th image: letters, digits and '-', nothing JSON escapes.
std::string image_slot(std::size_t index);

// The image attachments of every message, in order.
std::vector<const Attachment*> images_of(const ChatRequest& request);

// Sets request.body and request.inserts from `json_text`, the dumped body with one slot for
// each image of `chat`. Throws ochat::Error (internal) when a slot is not there exactly once.
void set_body(http::Request& request, std::string json_text, const ChatRequest& chat);

}  // namespace ochat::chat
