#include "core/http/retry_after.hpp"

#include <array>
#include <cctype>
#include <cstdint>

#include "core/text/trim.hpp"

namespace ochat::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kMaxSeconds = 24 * 3600;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads the words of a date: runs of letters or digits; separators (space, comma, '-', ':')
// are dropped.
class Words {
 public:
  explicit Words(std::string_view s) : s_(s) {}
  std::optional<std::string_view> next() {
    while (i_ < s_.size() && !std::isalnum(static_cast<unsigned char>(s_[i_]))) {
      const char c = s_[i_];
      if (c != ' ' && c != ',' && c != '-' && c != ':' && c != '\t') return std::nullopt;
      ++i_;
    }
    if (i_ == s_.size()) return std::nullopt;
    const std::size_t start = i_;
    const bool digits = is_digit(s_[i_]);
    while (i_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_])) &&
           is_digit(s_[i_]) == digits) {
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }
  bool at_end() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<int> number(std::optional<std::string_view> word, std::size_t min_digits,
                          std::size_t max_digits) {
  if (!word || word->size() < min_digits || word->size() > max_digits) return std::nullopt;
  int v = 0;
  for (const char c : *word) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<unsigned> month(std::optional<std::string_view> word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (!word) return std::nullopt;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (*word == kMonths[i]) return i + 1;
  }
  return std::nullopt;
}

bool weekday(std::optional<std::string_view> word) {
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 7> kLong = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  if (!word) return false;
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (*word == kDays[i] || *word == kLong[i]) return true;
  }
  return false;
}

struct Date {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0, minute = 0, second = 0;
};

// In seconds: system_clock's nanoseconds cannot hold every year a date may name.
std::optional<std::chrono::sys_seconds> to_time(const Date& d) {
  if (d.hour > 23 || d.minute > 59 || d.second > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(d.year), std::chrono::month(d.month),
                                        std::chrono::day(d.day)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::sys_days(ymd)) + std::chrono::hours(d.hour) +
         std::chrono::minutes(d.minute) + seconds(d.second);
}

// "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" or "Sun Nov  6 08:49:37 1994".
std::optional<std::chrono::sys_seconds> parse_date(std::string_view value) {
  Words w(value);
  if (!weekday(w.next())) return std::nullopt;
  Date d;
  const auto third = w.next();
  if (auto m = month(third)) {  // asctime: month day time year
    d.month = *m;
    const auto day = number(w.next(), 1, 2);
    const auto h = number(w.next(), 2, 2), mi = number(w.next(), 2, 2), s = number(w.next(), 2, 2);
    const auto y = number(w.next(), 4, 4);
    if (!day || !h || !mi || !s || !y) return std::nullopt;
    d.day = static_cast<unsigned>(*day);
    d.hour = *h, d.minute = *mi, d.second = *s, d.year = *y;
  } else {  // IMF-fixdate or RFC 850: day month year time GMT
    const auto day = number(third, 1, 2);
    const auto mon = month(w.next());
    const auto y = number(w.next(), 2, 4);
    const auto h = number(w.next(), 2, 2), mi = number(w.next(), 2, 2), s = number(w.next(), 2, 2);
    if (!day || !mon || !y || !h || !mi || !s || w.next() != std::optional<std::string_view>("GMT"))
      return std::nullopt;
    d.day = static_cast<unsigned>(*day);
    d.month = *mon;
    d.year = *y < 100 ? (*y < 70 ? 2000 + *y : 1900 + *y) : *y;
    d.hour = *h, d.minute = *mi, d.second = *s;
  }
  if (!w.at_end()) return std::nullopt;
  return to_time(d);
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  value = text::trim(value);
  if (value.empty()) return std::nullopt;
  if (is_digit(value.front())) {
    std::int64_t n = 0;
    for (const char c : value) {
      if (!is_digit(c)) return std::nullopt;
      n = std::min<std::int64_t>(n * 10 + (c - '0'), kMaxSeconds);
    }
    return milliseconds(seconds(n));
  }
  const auto date = parse_date(value);
  if (!date) return std::nullopt;
  const auto now_s = std::chrono::floor<seconds>(now);
  if (*date <= now_s) return milliseconds(0);
  return milliseconds(seconds(std::min<std::int64_t>((*date - now_s).count(), kMaxSeconds)));
}

}  // namespace ochat::http
