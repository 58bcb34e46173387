#pragma once
// How a batch writes its results on stdout: one JSON object per line (the default; its fields
// are documented in man/ochat.1, BATCH MODE), or the answers as text (--each-text).
#include <string>

#include "core/batch/item_result.hpp"

namespace ochat::batch {

// {"index":N,"id":ID,"input":TEXT,"output":TEXT,"thinking":TEXT,"done_reason":TEXT,
//  "stats":{...},"error":{"kind":KIND,"message":TEXT,"hint":TEXT}} and a newline. "id" only when
// the item gave one, "thinking" only when there was some, "error" only for a failed item
// ("hint" only when there is one), "done_reason" only when the answer ended; "stats" holds
// the server's counts that arrived (the names of the `done` event). Invalid UTF-8 is replaced
// by U+FFFD: the line is always valid JSON.
std::string result_line(const ItemResult& result);

// --each-text: the answer, a newline when it does not end with one (and is not empty), then a
// blank line. A failed item writes what arrived of its answer in the same way.
std::string result_text(const ItemResult& result);

}  // namespace ochat::batch
