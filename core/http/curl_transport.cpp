#include "core/http/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>

#include "core/http/request_body.hpp"
#include "core/text/trim.hpp"

namespace ochat::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// State shared with the libcurl callbacks. Callbacks never throw: they park the
// exception here and make libcurl stop the transfer.
struct Transfer {
  CURL* easy = nullptr;
  ResponseHandler* handler = nullptr;
  Clock::time_point last_activity;
  bool status_sent = false;
  bool stopped = false;
  bool got_bytes = false;
  bool unflushed = false;  // on_body() ran since the last on_read_end()
  std::exception_ptr error;

  void send_status() {
    if (status_sent) return;
    status_sent = true;
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    handler->on_status(code);
  }
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  t->last_activity = Clock::now();
  t->got_bytes = true;
  try {
    t->send_status();
    t->unflushed = true;
    if (!t->handler->on_body({data, length})) {
      t->stopped = true;
      return 0;  // CURLE_WRITE_ERROR ends the transfer
    }
  } catch (...) {
    t->error = std::current_exception();
    return 0;
  }
  return length;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  t->last_activity = Clock::now();
  t->got_bytes = true;
  const std::string_view line(data, length);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0 && !t->error) {
    try {
      t->handler->on_header(line.substr(0, colon), text::trim(line.substr(colon + 1)));
    } catch (...) {
      t->error = std::current_exception();
      return 0;
    }
  }
  return length;
}

// A body with inserts is read piece by piece: its base64 is encoded as it is sent.
struct BodyReader {
  const Request* request = nullptr;
  std::size_t pos = 0;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<BodyReader*>(user);
  const std::size_t n = read_body(*r->request, r->pos, buffer, size * count);
  r->pos += n;
  return n;
}

// libcurl rewinds when it sends the body again (a reused connection that turned out closed).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* r = static_cast<BodyReader*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  r->pos = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Whether `code` says the other end reset or closed the connection.
bool is_dropped(CURLcode code) {
  switch (code) {
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_connect_failure(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return true;
    default:
      return false;
  }
}

// Loopback is never sent through a proxy, as Ollama's own client does.
std::string no_proxy_list() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"NO_PROXY", "no_proxy"}) {
    if (const char* v = std::getenv(name); v && *v) {
      list += ',';
      list += v;
      break;
    }
  }
  return list;
}

}  // namespace

CurlTransport::CurlTransport() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
}

CurlTransport::~CurlTransport() { curl_multi_cleanup(static_cast<CURLM*>(multi_)); }

Result CurlTransport::perform(const Request& request, ResponseHandler& handler,
                              const Timeouts& timeouts, const sys::CancelToken& cancel) {
  auto* multi = static_cast<CURLM*>(multi_);
  Result result;
  if (!multi) {
    result.outcome = Outcome::connect_failed;
    result.message = "cannot initialise libcurl";
    return result;
  }
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    result.outcome = Outcome::connect_failed;
    result.message = "cannot initialise libcurl";
    return result;
  }
  Transfer t;
  t.easy = easy.get();
  t.handler = &handler;

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  for (const auto& h : request.headers) add_header(h);
  add_header("Expect:");  // no 100-continue round trip before the body

  char errbuf[CURL_ERROR_SIZE] = {};
  const std::string no_proxy = no_proxy_list();
  const std::string agent = fmt::format("ochat/{}", OCHAT_VERSION);
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  BodyReader body_reader{&request, 0};
  if (request.method == "POST" && !request.inserts.empty()) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, &body_reader);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, &body_reader);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size(request)));
  } else if (request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  }

  const auto start = Clock::now();
  t.last_activity = start;
  curl_multi_add_handle(multi, e);

  bool finished = false;
  CURLcode code = CURLE_OK;
  for (;;) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi, &running);
    if (t.unflushed && !t.error) {
      t.unflushed = false;
      try {
        if (!handler.on_read_end()) {
          result.outcome = Outcome::stopped;
          break;
        }
      } catch (...) {
        t.error = std::current_exception();
        break;
      }
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == e) {
        finished = true;
        code = msg->data.result;
      }
    }
    if (finished) break;
    if (mc != CURLM_OK) {
      result.outcome = Outcome::broken;
      result.message = curl_multi_strerror(mc);
      break;
    }
    if (cancel.requested() != 0) {
      result.outcome = Outcome::cancelled;
      break;
    }
    const auto now = Clock::now();
    auto wait = milliseconds(1000);
    if (timeouts.total) {
      auto left = *timeouts.total - std::chrono::duration_cast<milliseconds>(now - start);
      if (left <= milliseconds(0)) {
        result.outcome = Outcome::timed_out;
        result.timeout = TimeoutKind::total;
        break;
      }
      wait = std::min(wait, left);
    }
    const auto silent = std::chrono::duration_cast<milliseconds>(now - t.last_activity);
    if (handler.complete()) {
      if (silent >= kLinger) {  // complete, and the server says nothing more: done
        result.outcome = Outcome::completed;
        break;
      }
      wait = std::min(wait, kLinger - silent);
    }
    auto idle_left = timeouts.idle - silent;
    if (idle_left <= milliseconds(0)) {
      result.outcome = Outcome::timed_out;
      result.timeout = TimeoutKind::idle;
      break;
    }
    wait = std::min(wait, idle_left);
    if (!t.got_bytes) {
      try {
        handler.on_waiting(std::chrono::duration_cast<milliseconds>(now - start));
      } catch (...) {
        t.error = std::current_exception();
        break;
      }
    }
    curl_waitfd extra{};
    extra.fd = cancel.wake_fd;
    extra.events = CURL_WAIT_POLLIN;
    const unsigned extra_count = cancel.wake_fd >= 0 ? 1u : 0u;
    curl_multi_poll(multi, extra_count ? &extra : nullptr, extra_count,
                    static_cast<int>(std::max<long long>(wait.count(), 1)), nullptr);
  }

  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  result.status = status;
  long os_errno = 0;
  curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
  // Removing an unfinished transfer closes its connection: that is how the server learns
  // to stop generating.
  curl_multi_remove_handle(multi, e);
  easy.reset();
  result.got_bytes = t.got_bytes;

  if (t.error) std::rethrow_exception(t.error);
  if (!finished) return result;

  if (code == CURLE_OK) {
    if (!t.status_sent && status != 0) handler.on_status(status);  // a reply without a body
    result.outcome = Outcome::completed;
  } else if (t.stopped) {
    result.outcome = Outcome::stopped;
  } else if (code == CURLE_OPERATION_TIMEDOUT && !t.got_bytes) {
    result.outcome = Outcome::timed_out;
    result.timeout = TimeoutKind::connect;
  } else if (is_connect_failure(code) && !t.got_bytes) {
    result.outcome = Outcome::connect_failed;
    result.message = *errbuf ? errbuf : curl_easy_strerror(code);
    if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
      result.failure = NetFailure::resolve;
    } else if (code == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED) {
      result.failure = NetFailure::refused;
    }
  } else {
    if (!t.status_sent && status != 0) handler.on_status(status);
    result.outcome = Outcome::broken;
    result.message = *errbuf ? errbuf : curl_easy_strerror(code);
    if (is_dropped(code)) result.failure = NetFailure::dropped;
  }
  return result;
}

}  // namespace ochat::http
