#include "core/chat/image_slots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "core/error.hpp"

namespace ochat::chat {
namespace {

const std::string& nonce() {
  static const std::string value = [] {
    std::random_device random;
    return fmt::format("{:08x}{:08x}{:08x}{:08x}", random(), random(), random(), random());
  }();
  return value;
}

}  // namespace

std::string image_slot(std::size_t index) {
  return fmt::format("ochat-image-{}-{}-slot", nonce(), index);
}

std::vector<const Attachment*> images_of(const ChatRequest& request) {
  std::vector<const Attachment*> images;
  for (const auto& m : request.messages) {
    for (const auto& a : m.attachments) {
      if (a.is_image()) images.push_back(&a);
    }
  }
  return images;
}

void set_body(http::Request& request, std::string json_text, const ChatRequest& chat) {
  request.inserts.clear();
  const auto images = images_of(chat);
  if (images.empty()) {
    request.body = std::move(json_text);
    return;
  }
  struct Found {
    std::size_t at;
    std::size_t length;
    const Attachment* image;
  };
  std::vector<Found> found;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::string slot = image_slot(i);
    const auto at = json_text.find(slot);
    if (at == std::string::npos || json_text.find(slot, at + 1) != std::string::npos) {
      throw Error(ErrorKind::internal,
                  fmt::format("the request body has no single place for image {}", i + 1));
    }
    found.push_back({at, slot.size(), images[i]});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.at < b.at; });
  std::string text;
  text.reserve(json_text.size());
  std::size_t from = 0;
  for (const auto& f : found) {
    text.append(json_text, from, f.at - from);
    request.inserts.push_back({text.size(), f.image->bytes});
    from = f.at + f.length;
  }
  text.append(json_text, from, std::string::npos);
  request.body = std::move(text);
}

}  // namespace ochat::chat
