#pragma once
// The bytes of a request body that has base64 inserts (Request::inserts): the body's text with
// the encoding of each insert's bytes placed at its offset.
#include <cstddef>
#include <string>

#include "core/http/transport.hpp"

namespace ochat::http {

// The number of bytes sent.
std::size_t body_size(const Request& request) noexcept;

// Copies up to `max` bytes of the body, from byte `pos` on, to `out`; returns how many (0 at
// the end). Never throws: the transport calls it from a libcurl callback.
std::size_t read_body(const Request& request, std::size_t pos, char* out, std::size_t max) noexcept;

// The whole body in one string (for tests and small bodies).
std::string whole_body(const Request& request);

}  // namespace ochat::http
