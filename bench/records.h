// Plain data the benchmark records and reports on: one row per update sent,
// one row per echo the emulated Bot API received, and a process's resource
// figures. Value types with no behaviour; safe to copy between threads once
// the writer is done with them.
#ifndef TELEGATE_BENCH_RECORDS_H_
#define TELEGATE_BENCH_RECORDS_H_

#include <cstdint>
#include <string>

namespace telegate::bench {

// One update, as Telegram would send it. Times are Unix microseconds.
struct UpdateRecord {
  int64_t chat_id = 0;
  int index = 0;              // position within its chat, from 0
  int64_t update_id = 0;      // 0 until created
  int64_t first_post_us = 0;  // start of the first attempt
  int64_t answer_us = 0;      // duration of the successful (2xx) POST
  int64_t done_us = 0;        // end of the successful POST
  int attempts = 0;
  bool delivered = false;  // got a 2xx
};

// One successful sendMessage seen by the emulator, matched to (chat, index).
struct Echo {
  int64_t chat_id = 0;       // the chat the bot sent to
  int64_t text_chat_id = 0;  // the chat named in the text "c<chat> m<i>"
  int index = -1;            // -1: text not of the form the bench sends
  int64_t seq = 0;           // arrival order at the emulator
  int64_t time_us = 0;       // arrival time, Unix microseconds
};

struct ProcStats {
  double peak_rss_mb = 0;  // VmHWM
  double cpu_seconds = 0;  // user + system
};

struct ProcessFigures {
  std::string name;
  bool measured = false;  // false when /proc could not be read
  ProcStats stats;
  int exit_code = -1;
};

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_RECORDS_H_
