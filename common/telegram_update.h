// Parsing of a Telegram Update object as received on a webhook: validates
// the whole body as JSON, reads update_id and derives the routing key that
// keeps one chat's updates in order, in one streaming pass that builds no
// DOM (nlohmann's SAX interface; only the few fields routing needs are
// kept). Pure functions, no I/O, safe on hostile bytes: every bad body is
// answered with kInvalidArgument and a one-line reason, nothing throws.
//
// Decisions on hostile input:
// - update_id must be an integer in [1, 2^53-1]. Telegram's identifiers
//   "start from a certain positive number", so 0 is refused like a negative
//   id ("update_id must be positive"); 0 is also the "unset" value of every
//   update_id field in our own structs. Floats (1.5, 1e3, 1e30), strings,
//   booleans and null are "update_id must be an integer"; integers beyond
//   2^53-1 are "update_id is out of range": the Bot API gives its
//   identifiers at most 52 significant bits, and larger JSON numbers are
//   not exact in most consumers (a double holds 2^53-1 exactly).
// - A key given twice counts with its last value, as in a DOM.
// - Ill-formed UTF-8 inside a JSON string is refused ("invalid UTF-8 in JSON
//   string"), as is a \u escape naming half a surrogate pair: the worker
//   sends text back to Telegram, which requires UTF-8, and Telegram itself
//   never sends either.
// - A NUL byte anywhere is "body is not valid JSON": nlohmann would stop
//   reading there and accept whatever valid prefix precedes it.
// - Nesting is measured by a linear pre-scan before parsing, so a
//   megabyte of '[' costs one pass and no recursion.
#ifndef TELEGATE_COMMON_TELEGRAM_UPDATE_H_
#define TELEGATE_COMMON_TELEGRAM_UPDATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace telegate {

struct ParsedUpdate {
  int64_t update_id = 0;
  // "c:<chat_id>", "u:<user_id>" or "x:<update_id>"; see ChatKeyOf.
  std::string chat_key;
};

// Nesting deeper than this is refused (Telegram's objects nest far less).
inline constexpr int kMaxJsonDepth = 64;

// The largest update_id accepted: 2^53-1.
inline constexpr int64_t kMaxUpdateId = (int64_t{1} << 53) - 1;

// kInvalidArgument with a one-line reason for: malformed JSON ("body is not
// valid JSON"), ill-formed UTF-8, unpaired surrogates, numbers too large for
// a double, a non-object, nesting beyond kMaxJsonDepth, a missing,
// non-integer, non-positive or out-of-range update_id.
absl::StatusOr<ParsedUpdate> ParseUpdate(std::string_view body);

// The routing key of the JSON text `update` (ParseUpdate's chat_key).
// Message-like updates route by chat id ("c:..."), callback/inline/shipping/
// pre-checkout queries and similar by the sending user ("u:..."), anything
// else by its own update_id ("x:..."). Ids that are not integers in the
// int64 range (strings, floats, huge numbers) are ignored, so a hostile
// update falls back to "x:<update_id>", as does text that is not a JSON
// object. Never throws, whatever `update` is.
std::string ChatKeyOf(std::string_view update, int64_t update_id);

}  // namespace telegate

#endif  // TELEGATE_COMMON_TELEGRAM_UPDATE_H_
