#pragma once
// Transport over libcurl's multi interface, so that one loop can watch the cancel token,
// the idle timeout and the total timeout while the transfer runs. Reuses connections
// between requests made through the same object.
#include "core/http/transport.hpp"

namespace ochat::http {

class CurlTransport final : public Transport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result perform(const Request& request, ResponseHandler& handler, const Timeouts& timeouts,
                 const sys::CancelToken& cancel) override;

 private:
  void* multi_;  // CURLM*, kept opaque so that curl.h stays out of the header
};

}  // namespace ochat::http
