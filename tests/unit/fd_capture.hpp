#pragma once
// An unlinked temporary file to hand to io::FdStream, and a way to read back what was written.
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace ochat::test {

class FdCapture {
 public:
  FdCapture() : file_(std::tmpfile()) {
    if (file_ == nullptr) throw std::runtime_error("tmpfile() failed");
  }
  ~FdCapture() { std::fclose(file_); }
  FdCapture(const FdCapture&) = delete;
  FdCapture& operator=(const FdCapture&) = delete;

  int fd() const { return ::fileno(file_); }

  // Everything written to fd() so far.
  std::string contents() const {
    std::string out;
    char buf[4096];
    off_t offset = 0;
    for (;;) {
      const ssize_t n = ::pread(fd(), buf, sizeof buf, offset);
      if (n < 0) throw std::runtime_error("pread() failed");
      if (n == 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
      offset += n;
    }
  }

 private:
  std::FILE* file_;
};

}  // namespace ochat::test
