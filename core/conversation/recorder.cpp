#include "core/conversation/recorder.hpp"

#include "core/conversation/codec.hpp"
#include "core/error.hpp"

namespace ochat::conversation {

void Recorder::begin(const SavedSettings& settings) {
  Header header;
  header.created = iso_time(clock_.now());
  header.settings = settings;
  header_ = encode_header(header);
}

void Recorder::stage(const chat::Message& message, const SavedSettings& changed) {
  Note note;
  note.time = iso_time(clock_.now());
  note.settings = changed;
  staged_ += encode_message(message, note);
}

void Recorder::append(const chat::Message& message, const chat::MessageNote& note) {
  Note full;
  full.time = iso_time(clock_.now());
  full.message = note;
  const std::string lines = header_ + staged_ + encode_message(message, full);
  try {
    file_.append(lines);
  } catch (const Error& e) {
    throw Error(ErrorKind::internal, std::string("this turn was not saved: ") + e.what());
  }
  header_.clear();
  staged_.clear();
  if (on_write) on_write();
}

}  // namespace ochat::conversation
