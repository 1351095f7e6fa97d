#include "bench/load.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace telegate::bench {
namespace {

int64_t NowUs() { return absl::ToUnixMicros(absl::Now()); }

struct ChatState {
  std::vector<UpdateRecord> records;  // sent so far, and the one in flight
  int64_t chat_id = 0;
  int next = 0;  // index of the update in flight
  std::string body;                 // its body, reused on redelivery
  absl::Time ready_at = absl::InfinitePast();
};

struct Counters {
  int64_t non_2xx = 0;
  int64_t no_answer = 0;
};

// One connection: serves its chats round-robin, never blocking on a chat
// that waits for redelivery while another one is ready.
class Connection {
 public:
  Connection(const LoadOptions& options, std::atomic<int64_t>* next_update_id,
             std::vector<ChatState> chats)
      : options_(options),
        next_update_id_(next_update_id),
        chats_(std::move(chats)),
        client_("127.0.0.1", options.port) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
    client_.set_connection_timeout(5, 0);
    const int64_t timeout_us =
        absl::ToInt64Microseconds(options.request_timeout);
    client_.set_read_timeout(timeout_us / 1000000, timeout_us % 1000000);
    client_.set_write_timeout(timeout_us / 1000000, timeout_us % 1000000);
  }

  // Runs until done (`stop_at` in a timed run); returns the chats.
  std::vector<ChatState> Run(absl::Time stop_at, Counters* counters) {
    const bool timed = options_.duration > absl::ZeroDuration();
    size_t unfinished = 0;
    for (const ChatState& c : chats_) unfinished += !Finished(c);
    size_t cursor = 0;
    while (unfinished > 0) {
      const absl::Time now = absl::Now();
      if (timed && now >= stop_at) break;
      absl::Time earliest = timed ? stop_at : absl::InfiniteFuture();
      ChatState* ready = nullptr;
      for (size_t k = 0; k < chats_.size() && ready == nullptr; ++k) {
        size_t i = (cursor + k) % chats_.size();
        ChatState& c = chats_[i];
        if (Finished(c)) continue;
        if (c.ready_at <= now) {
          ready = &c;
          cursor = i + 1;
        } else {
          earliest = std::min(earliest, c.ready_at);
        }
      }
      if (ready == nullptr) {
        absl::SleepFor(earliest - now);
        continue;
      }
      if (Attempt(*ready) && Finished(*ready)) --unfinished;
    }
    *counters = counters_;
    return std::move(chats_);
  }

 private:
  bool Finished(const ChatState& c) const {
    return options_.duration <= absl::ZeroDuration() &&
           c.next >= options_.messages;
  }

  // One POST of the chat's current update; true on a 2xx.
  bool Attempt(ChatState& chat) {
    if (static_cast<int>(chat.records.size()) <= chat.next) {
      UpdateRecord fresh;
      fresh.chat_id = chat.chat_id;
      fresh.index = chat.next;
      chat.records.push_back(fresh);
    }
    UpdateRecord& record = chat.records[chat.next];
    const int64_t start_us = NowUs();
    if (record.attempts == 0) {
      record.update_id = next_update_id_->fetch_add(1);
      record.first_post_us = start_us;
      chat.body = MakeUpdateJson(record.update_id, record.chat_id, record.index,
                                 start_us / 1000000);
    }
    ++record.attempts;
    httplib::Headers headers = {
        {"X-Telegram-Bot-Api-Secret-Token", options_.secret}};
    httplib::Result result = client_.Post(
        options_.webhook_path.c_str(), headers, chat.body, "application/json");
    const int64_t end_us = NowUs();
    if (result && result->status >= 200 && result->status < 300) {
      record.delivered = true;
      record.answer_us = end_us - start_us;
      record.done_us = end_us;
      ++chat.next;
      chat.ready_at = absl::InfinitePast();
      return true;
    }
    absl::Duration wait = options_.default_retry_after;
    if (result) {
      ++counters_.non_2xx;
      int seconds = 0;
      if (absl::SimpleAtoi(result->get_header_value("Retry-After"), &seconds) &&
          seconds >= 0) {
        wait = absl::Seconds(seconds);
      }
    } else {
      ++counters_.no_answer;
    }
    chat.ready_at = absl::FromUnixMicros(end_us) + wait;
    return false;
  }

  const LoadOptions& options_;
  std::atomic<int64_t>* const next_update_id_;
  std::vector<ChatState> chats_;
  httplib::Client client_;
  Counters counters_;
};

}  // namespace

std::string MessageText(int64_t chat_id, int index) {
  return absl::StrCat("c", chat_id, " m", index);
}

std::string MakeUpdateJson(int64_t update_id, int64_t chat_id, int index,
                           int64_t unix_seconds) {
  const std::string first_name = absl::StrCat("User", chat_id % 100000);
  nlohmann::json user = {{"id", chat_id},
                         {"is_bot", false},
                         {"first_name", first_name},
                         {"username", absl::StrCat("bench_user_", chat_id)},
                         {"language_code", "en"}};
  nlohmann::json chat = {{"id", chat_id},
                         {"first_name", first_name},
                         {"username", absl::StrCat("bench_user_", chat_id)},
                         {"type", "private"}};
  nlohmann::json update = {{"update_id", update_id},
                           {"message",
                            {{"message_id", index + 1},
                             {"from", std::move(user)},
                             {"chat", std::move(chat)},
                             {"date", unix_seconds},
                             {"text", MessageText(chat_id, index)}}}};
  return update.dump();
}

LoadResult RunLoad(const LoadOptions& options) {
  const int connections =
      std::max(1, std::min(options.connections, options.chats));
  std::vector<std::vector<ChatState>> per_connection(connections);
  for (int c = 0; c < options.chats; ++c) {
    ChatState state;
    state.chat_id = options.first_chat_id + c;
    if (options.duration <= absl::ZeroDuration()) {
      state.records.reserve(options.messages);
    }
    per_connection[c % connections].push_back(std::move(state));
  }

  LoadResult result;
  std::atomic<int64_t> next_update_id{options.first_update_id};
  std::vector<Counters> counters(connections);
  std::vector<std::thread> threads;
  result.start_us = NowUs();
  const absl::Time stop_at = absl::FromUnixMicros(result.start_us) +
                             options.duration;
  for (int k = 0; k < connections; ++k) {
    threads.emplace_back([&, k] {
      Connection connection(options, &next_update_id,
                            std::move(per_connection[k]));
      per_connection[k] = connection.Run(stop_at, &counters[k]);
    });
  }
  for (std::thread& t : threads) t.join();
  result.end_us = NowUs();
  for (const Counters& c : counters) {
    result.non_2xx += c.non_2xx;
    result.no_answer += c.no_answer;
  }
  // Chat c was dealt to connection c % connections, in order.
  for (int c = 0; c < options.chats; ++c) {
    std::vector<UpdateRecord>& records =
        per_connection[c % connections][c / connections].records;
    result.updates.insert(result.updates.end(), records.begin(),
                          records.end());
  }
  return result;
}

}  // namespace telegate::bench
