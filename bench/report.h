// Report: turns what the benchmark recorded (updates sent, echoes received,
// process figures) into the figures it prints: latency percentiles,
// throughput, redeliveries, lost / duplicated / out-of-order echoes, CPU and
// memory. Pure functions with no I/O; thread-compatible.
#ifndef TELEGATE_BENCH_REPORT_H_
#define TELEGATE_BENCH_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/records.h"
#include "nlohmann/json.hpp"

namespace telegate::bench {

// Everything one run recorded.
struct RunData {
  int chats = 0;
  int messages = 0;  // 0 in a timed run
  int seconds = 0;   // > 0: a timed run
  int latency_ms = 0;
  int connections = 0;
  std::string worker_threads;  // "" = the worker's default
  std::string bot;             // "built-in echo" or the upstream bot's name
  std::vector<UpdateRecord> updates;
  std::vector<Echo> echoes;  // any order
  int64_t non_2xx = 0;
  int64_t no_answer = 0;
  ProcessFigures worker;
  ProcessFigures gateway;
  ProcessFigures bench;  // this process: load generator + emulator
  double pair_peak_pss_mb = 0;  // highest Pss of worker + gateway together
};

struct Percentiles {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

struct Report {
  int chats = 0;
  int messages = 0;
  int seconds = 0;
  int latency_ms = 0;
  int connections = 0;
  std::string worker_threads;
  std::string bot;
  int64_t total_updates = 0;         // accepted (answered 2xx)
  int64_t undelivered = 0;  // timed run: posts cut off by the end, not 2xx
  int64_t echoed = 0;                // updates echoed at least once
  double post_seconds = 0;           // first post -> last 2xx
  double wall_seconds = 0;           // first post -> last echo
  double throughput_per_second = 0;  // echoed / wall_seconds
  Percentiles webhook_answer;        // duration of the successful POST
  Percentiles end_to_end;            // first post -> first echo
  int64_t redeliveries = 0;  // non-2xx answers + attempts with no answer
  int64_t non_2xx = 0;
  int64_t no_answer = 0;
  int64_t lost = 0;          // accepted, not echoed by the end
  int64_t duplicated = 0;    // echoed more than once
  int64_t out_of_order = 0;  // echoed after a later message of its chat
  int64_t unexpected = 0;    // echoes matching no update or the wrong chat
  ProcessFigures worker;
  ProcessFigures gateway;
  ProcessFigures bench;
  double pair_cpu_ms_per_update = 0;   // (worker + gateway CPU) / echoed
  double bench_cpu_ms_per_update = 0;  // (load + emulator CPU) / echoed
  double pair_peak_pss_mb = 0;  // shared library pages counted once
};

// Nearest-rank percentile (0 < p <= 100) of `values`; 0 when empty.
double Percentile(std::vector<double> values, double p);

Report Summarize(const RunData& data);

// True when nothing was lost, duplicated, misrouted or reordered.
bool Passed(const Report& report);

std::string FormatText(const Report& report);
nlohmann::json ToJson(const Report& report);
// A Markdown table: the header (two lines) and one row per run.
std::string MarkdownHeader();
std::string MarkdownRow(const Report& report);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_REPORT_H_
