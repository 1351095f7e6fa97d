#include "common/telegram_update.h"

#include <array>
#include <cstddef>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace telegate {
namespace {

// True when containers nest deeper than `limit`, counting only structure
// characters outside strings; stops at the first level too deep. Exact for
// every body nlohmann accepts (JSON delimits strings unambiguously); on a
// body it refuses, the parser stops where the two first disagree. One
// pass, no recursion.
bool NestsDeeperThan(std::string_view body, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// The top-level fields routing reads, and the object inside each that names
// the chat or user. ChatKey() tries them in this order.
struct RouteField {
  const char* field;
  const char* holder;  // "chat", "from", "user" or "voter_chat"
  char key_prefix;     // 'c' or 'u'
};
constexpr RouteField kRouteFields[] = {
    {"message", "chat", 'c'},
    {"edited_message", "chat", 'c'},
    {"channel_post", "chat", 'c'},
    {"edited_channel_post", "chat", 'c'},
    {"business_message", "chat", 'c'},
    {"edited_business_message", "chat", 'c'},
    {"message_reaction", "chat", 'c'},
    {"message_reaction_count", "chat", 'c'},
    {"my_chat_member", "chat", 'c'},
    {"chat_member", "chat", 'c'},
    {"chat_join_request", "chat", 'c'},
    {"chat_boost", "chat", 'c'},
    {"removed_chat_boost", "chat", 'c'},
    {"deleted_business_messages", "chat", 'c'},
    {"callback_query", "from", 'u'},
    {"inline_query", "from", 'u'},
    {"chosen_inline_result", "from", 'u'},
    {"shipping_query", "from", 'u'},
    {"pre_checkout_query", "from", 'u'},
    {"purchased_paid_media", "from", 'u'},
    {"poll_answer", "user", 'u'},
    {"business_connection", "user", 'u'},
    // An anonymous poll answer names the chat that voted instead of a user.
    {"poll_answer", "voter_chat", 'c'},
};
constexpr size_t kRouteFieldCount = std::size(kRouteFields);

// SAX handler that validates like nlohmann's DOM parser (it is the same
// parser) but keeps only update_id and the ids routing needs. A key given
// twice replaces what its first value left, as a DOM would. The container
// stack is bounded by the nesting pre-scan.
class UpdateScanner : public nlohmann::json_sax<nlohmann::json> {
 public:
  enum class IdKind { kMissing, kNotInteger, kSigned, kUnsigned };

  // A scalar as read: integers keep their sign class, like nlohmann's DOM.
  struct Number {
    IdKind kind = IdKind::kNotInteger;
    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
  };

  bool root_is_object() const { return root_is_object_; }
  // update_id as last given; kind kMissing when absent.
  const Number& update_id() const { return update_id_; }
  const std::string& error() const { return error_; }

  std::string ChatKey(int64_t update_id) const {
    for (size_t i = 0; i < kRouteFieldCount; ++i) {
      if (ids_[i].has_value()) {
        return absl::StrCat(std::string(1, kRouteFields[i].key_prefix), ":",
                            *ids_[i]);
      }
    }
    return absl::StrCat("x:", update_id);
  }

  bool null() override { return Scalar({}); }
  bool boolean(bool) override { return Scalar({}); }
  bool number_integer(number_integer_t v) override {
    return Scalar({IdKind::kSigned, v, 0});
  }
  bool number_unsigned(number_unsigned_t v) override {
    return Scalar({IdKind::kUnsigned, 0, v});
  }
  bool number_float(number_float_t, const string_t&) override {
    return Scalar({});
  }
  bool string(string_t&) override { return Scalar({}); }
  bool binary(binary_t&) override { return Scalar({}); }
  bool start_object(std::size_t) override { return Open(true); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    Frame& frame = stack_.back();
    frame.pending = Slot{};
    switch (frame.self.kind) {
      case Slot::kRoot:
        if (name == "update_id") {
          frame.pending.kind = Slot::kUpdateId;
        } else if (AnyFieldNamed(name)) {
          frame.pending = Slot{Slot::kField, name};
        }
        break;
      case Slot::kField:
        if (name == "chat" || name == "from" || name == "user" ||
            name == "voter_chat") {
          frame.pending = Slot{Slot::kHolder, frame.self.field, name};
        }
        break;
      case Slot::kHolder:
        if (name == "id") {
          frame.pending = frame.self;
          frame.pending.kind = Slot::kId;
        }
        break;
      default:
        break;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& e) override {
    if (error_.empty()) error_ = e.what();
    return false;
  }

 private:
  // What a value is assigned to: the root, update_id, a routing field
  // ("message"), its holder ("chat") or the holder's "id".
  struct Slot {
    enum Kind { kNone, kRoot, kUpdateId, kField, kHolder, kId } kind = kNone;
    std::string field;   // kField and below
    std::string holder;  // kHolder and kId
  };
  struct Frame {
    Slot self;
    Slot pending;  // set by key(), consumed by the value
  };

  static bool AnyFieldNamed(const std::string& name) {
    for (const RouteField& f : kRouteFields) {
      if (name == f.field) return true;
    }
    return false;
  }

  // The slot the next value goes to (and consumes it).
  Slot TakeTarget() {
    if (stack_.empty()) return Slot{Slot::kRoot};
    return std::exchange(stack_.back().pending, Slot{});
  }

  // A new value replaces whatever an earlier value of the same key left.
  void Assign(const Slot& slot, std::optional<int64_t> id) {
    for (size_t i = 0; i < kRouteFieldCount; ++i) {
      const RouteField& f = kRouteFields[i];
      if (slot.kind == Slot::kField && slot.field == f.field) {
        ids_[i].reset();
      } else if ((slot.kind == Slot::kHolder || slot.kind == Slot::kId) &&
                 slot.field == f.field && slot.holder == f.holder) {
        ids_[i] = slot.kind == Slot::kId ? id : std::nullopt;
      }
    }
  }

  // An integer that fits int64_t, else nullopt.
  static std::optional<int64_t> AsInt64(const Number& n) {
    if (n.kind == IdKind::kSigned) return n.signed_value;
    if (n.kind == IdKind::kUnsigned &&
        n.unsigned_value <= static_cast<uint64_t>(INT64_MAX)) {
      return static_cast<int64_t>(n.unsigned_value);
    }
    return std::nullopt;
  }

  bool Scalar(const Number& value) {
    Slot slot = TakeTarget();
    if (slot.kind == Slot::kRoot) root_is_object_ = false;
    if (slot.kind == Slot::kUpdateId) update_id_ = value;
    Assign(slot, AsInt64(value));
    return true;
  }
  bool Open(bool object) {
    Slot slot = TakeTarget();
    if (slot.kind == Slot::kUpdateId) update_id_ = Number{};
    if (slot.kind == Slot::kRoot) root_is_object_ = object;
    Assign(slot, std::nullopt);
    // Only objects can hold the fields routing reads.
    if (!object || slot.kind == Slot::kUpdateId || slot.kind == Slot::kId) {
      slot = Slot{};
    }
    stack_.push_back(Frame{std::move(slot), Slot{}});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<Frame> stack_;
  // Per route field: the holder's integer id, once read.
  std::array<std::optional<int64_t>, kRouteFieldCount> ids_;
  bool root_is_object_ = false;
  Number update_id_{IdKind::kMissing};
  std::string error_;
};

// The one-line reason for a body nlohmann refused. Never echoes body bytes
// (nlohmann's own message quotes them, possibly as ill-formed UTF-8).
std::string InvalidJsonReason(const std::string& m) {
  if (m.find("ill-formed UTF-8") != std::string::npos) {
    return "invalid UTF-8 in JSON string";
  }
  if (m.find("surrogate") != std::string::npos) {
    return "unpaired surrogate escape in JSON string";
  }
  if (m.find("number overflow") != std::string::npos) {
    return "JSON number out of range";
  }
  return "body is not valid JSON";
}

// Runs `scanner` over `body`: OK, or the reason the body is not JSON.
absl::Status Scan(std::string_view body, UpdateScanner* scanner) {
  // Before parsing: deep input costs a long container stack.
  if (NestsDeeperThan(body, kMaxJsonDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nesting deeper than ", kMaxJsonDepth));
  }
  // nlohmann takes a NUL byte for the end of input and would accept a valid
  // prefix followed by anything; JSON text never contains one.
  if (body.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("body is not valid JSON");
  }
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(body, scanner);
  } catch (const std::exception&) {  // bad_alloc; the parser reports errors
    ok = false;
  }
  if (!ok) {
    return absl::InvalidArgumentError(InvalidJsonReason(scanner->error()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedUpdate> ParseUpdate(std::string_view body) {
  UpdateScanner scanner;
  if (absl::Status s = Scan(body, &scanner); !s.ok()) return s;
  if (!scanner.root_is_object()) {
    return absl::InvalidArgumentError("update must be a JSON object");
  }
  ParsedUpdate out;
  const UpdateScanner::Number& id = scanner.update_id();
  switch (id.kind) {
    case UpdateScanner::IdKind::kMissing:
      return absl::InvalidArgumentError("update_id is missing");
    case UpdateScanner::IdKind::kNotInteger:  // also floats like 1e3
      return absl::InvalidArgumentError("update_id must be an integer");
    case UpdateScanner::IdKind::kSigned:  // negative (or -0)
      out.update_id = id.signed_value;
      break;
    case UpdateScanner::IdKind::kUnsigned:
      if (id.unsigned_value > static_cast<uint64_t>(kMaxUpdateId)) {
        return absl::InvalidArgumentError("update_id is out of range");
      }
      out.update_id = static_cast<int64_t>(id.unsigned_value);
      break;
  }
  if (out.update_id <= 0) {
    return absl::InvalidArgumentError("update_id must be positive");
  }
  out.chat_key = scanner.ChatKey(out.update_id);
  return out;
}

std::string ChatKeyOf(std::string_view update, int64_t update_id) {
  UpdateScanner scanner;
  if (!Scan(update, &scanner).ok() || !scanner.root_is_object()) {
    return absl::StrCat("x:", update_id);
  }
  return scanner.ChatKey(update_id);
}

}  // namespace telegate
