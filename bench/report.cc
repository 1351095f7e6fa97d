#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace telegate::bench {
namespace {

Percentiles Summarize(std::vector<double> ms) {
  Percentiles out;
  if (ms.empty()) return out;
  out.max_ms = *std::max_element(ms.begin(), ms.end());
  out.p50_ms = Percentile(ms, 50);
  out.p99_ms = Percentile(std::move(ms), 99);
  return out;
}

double Seconds(int64_t from_us, int64_t to_us) {
  return to_us > from_us ? static_cast<double>(to_us - from_us) / 1e6 : 0;
}

// Per (chat, index): how often it was echoed and its first echo. Echoes
// whose text names no sent update, or another chat, are counted apart.
struct EchoIndex {
  std::map<std::pair<int64_t, int>, std::vector<const Echo*>> by_update;
  int64_t unexpected = 0;
};

EchoIndex IndexEchoes(const RunData& data) {
  std::map<std::pair<int64_t, int>, bool> sent;
  for (const UpdateRecord& u : data.updates) {
    if (u.delivered) sent[{u.chat_id, u.index}] = true;
  }
  std::vector<const Echo*> ordered;
  for (const Echo& e : data.echoes) ordered.push_back(&e);
  std::sort(ordered.begin(), ordered.end(),
            [](const Echo* a, const Echo* b) { return a->seq < b->seq; });
  EchoIndex index;
  for (const Echo* e : ordered) {
    std::pair<int64_t, int> key{e->text_chat_id, e->index};
    if (e->index < 0 || e->chat_id != e->text_chat_id || !sent.count(key)) {
      ++index.unexpected;
      continue;
    }
    index.by_update[key].push_back(e);
  }
  return index;
}

// Within each chat, walks first echoes in arrival order and counts those
// that arrived after an echo of a later message of the same chat.
int64_t CountOutOfOrder(const EchoIndex& index) {
  std::map<int64_t, std::vector<const Echo*>> firsts_by_chat;
  for (const auto& [key, echoes] : index.by_update) {
    firsts_by_chat[key.first].push_back(echoes.front());
  }
  int64_t out_of_order = 0;
  for (auto& [chat, firsts] : firsts_by_chat) {
    std::sort(firsts.begin(), firsts.end(),
              [](const Echo* a, const Echo* b) { return a->seq < b->seq; });
    int highest = -1;
    for (const Echo* e : firsts) {
      if (e->index < highest) ++out_of_order;
      highest = std::max(highest, e->index);
    }
  }
  return out_of_order;
}

std::string Row(const std::string& label, const std::string& value) {
  return absl::StrFormat("  %-34s %s\n", label, value);
}

std::string Latency(const Percentiles& p, bool with_max) {
  std::string out =
      absl::StrFormat("p50 %.2f ms   p99 %.2f ms", p.p50_ms, p.p99_ms);
  if (with_max)
    absl::StrAppend(&out, absl::StrFormat("   max %.2f ms", p.max_ms));
  return out;
}

std::string Process(const ProcessFigures& p) {
  if (!p.measured) return "not measured";
  return absl::StrFormat("peak RSS %.1f MB   CPU %.2f s", p.stats.peak_rss_mb,
                         p.stats.cpu_seconds);
}

// "15 s" for a timed run, "50 messages" otherwise.
std::string Load(const Report& r) {
  return r.seconds > 0 ? absl::StrCat(r.seconds, " s")
                       : absl::StrCat(r.messages, " messages");
}

nlohmann::json PercentilesJson(const Percentiles& p) {
  return {{"p50", p.p50_ms}, {"p99", p.p99_ms}, {"max", p.max_ms}};
}

nlohmann::json ProcessJson(const ProcessFigures& p) {
  nlohmann::json out = {{"measured", p.measured}, {"exit_code", p.exit_code}};
  if (p.measured) {
    out["peak_rss_mb"] = p.stats.peak_rss_mb;
    out["cpu_seconds"] = p.stats.cpu_seconds;
  }
  return out;
}

}  // namespace

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  size_t i = static_cast<size_t>(std::max(1.0, rank)) - 1;
  return values[std::min(i, values.size() - 1)];
}

Report Summarize(const RunData& data) {
  Report r;
  r.chats = data.chats;
  r.messages = data.messages;
  r.seconds = data.seconds;
  r.latency_ms = data.latency_ms;
  r.connections = data.connections;
  r.worker_threads = data.worker_threads;
  r.bot = data.bot.empty() ? "built-in echo" : data.bot;
  r.non_2xx = data.non_2xx;
  r.no_answer = data.no_answer;
  r.redeliveries = data.non_2xx + data.no_answer;
  r.worker = data.worker;
  r.gateway = data.gateway;
  r.bench = data.bench;

  EchoIndex index = IndexEchoes(data);
  r.unexpected = index.unexpected;
  r.out_of_order = CountOutOfOrder(index);

  int64_t first_post_us = 0, last_done_us = 0, last_echo_us = 0;
  std::vector<double> answer_ms, end_to_end_ms;
  for (const UpdateRecord& u : data.updates) {
    if (u.first_post_us > 0 &&
        (first_post_us == 0 || u.first_post_us < first_post_us)) {
      first_post_us = u.first_post_us;
    }
    last_done_us = std::max(last_done_us, u.done_us);
    if (!u.delivered) {
      ++r.undelivered;
      continue;
    }
    ++r.total_updates;
    answer_ms.push_back(static_cast<double>(u.answer_us) / 1e3);
    auto it = index.by_update.find({u.chat_id, u.index});
    if (it == index.by_update.end()) {
      ++r.lost;
      continue;
    }
    ++r.echoed;
    if (it->second.size() > 1) ++r.duplicated;
    const int64_t echo_us = it->second.front()->time_us;
    last_echo_us = std::max(last_echo_us, echo_us);
    end_to_end_ms.push_back(static_cast<double>(echo_us - u.first_post_us) /
                            1e3);
  }
  r.post_seconds = Seconds(first_post_us, last_done_us);
  r.wall_seconds = Seconds(first_post_us, std::max(last_echo_us, last_done_us));
  if (r.wall_seconds > 0) {
    r.throughput_per_second = static_cast<double>(r.echoed) / r.wall_seconds;
  }
  r.webhook_answer = Summarize(std::move(answer_ms));
  r.end_to_end = Summarize(std::move(end_to_end_ms));
  if (r.echoed > 0 && r.worker.measured && r.gateway.measured) {
    r.pair_cpu_ms_per_update =
        (r.worker.stats.cpu_seconds + r.gateway.stats.cpu_seconds) * 1e3 /
        static_cast<double>(r.echoed);
  }
  if (r.echoed > 0 && r.bench.measured) {
    r.bench_cpu_ms_per_update =
        r.bench.stats.cpu_seconds * 1e3 / static_cast<double>(r.echoed);
  }
  r.pair_peak_pss_mb = data.pair_peak_pss_mb;
  return r;
}

bool Passed(const Report& r) {
  return r.lost == 0 && r.duplicated == 0 && r.out_of_order == 0 &&
         r.unexpected == 0;
}

std::string FormatText(const Report& r) {
  std::string out = absl::StrFormat(
      "telegate-bench: %d chats x %s over %d connections, Bot API latency "
      "%d ms, worker threads %s, bot %s\n",
      r.chats, Load(r), r.connections, r.latency_ms,
      r.worker_threads.empty() ? "default" : r.worker_threads, r.bot);
  absl::StrAppend(
      &out,
      Row("updates accepted", absl::StrCat(r.total_updates, " (echoed ",
                                           r.echoed, ", cut off by the end ",
                                           r.undelivered, ")")),
      Row("wall time (first post..last echo)",
          absl::StrFormat("%.3f s (posting %.3f s)", r.wall_seconds,
                          r.post_seconds)),
      Row("throughput",
          absl::StrFormat("%.0f updates/s", r.throughput_per_second)),
      Row("webhook answer latency", Latency(r.webhook_answer, true)),
      Row("end-to-end latency", Latency(r.end_to_end, false)),
      Row("redeliveries", absl::StrCat(r.redeliveries, " (non-2xx ", r.non_2xx,
                                       ", no answer ", r.no_answer, ")")));
  absl::StrAppend(&out, Row("lost (not echoed by the end)",
                            absl::StrCat(r.lost)),
                  Row("duplicated", absl::StrCat(r.duplicated)),
                  Row("out of order", absl::StrCat(r.out_of_order)),
                  Row("unexpected echoes", absl::StrCat(r.unexpected)),
                  Row("worker", Process(r.worker)),
                  Row("gateway", Process(r.gateway)),
                  Row("load generator + emulator", Process(r.bench)),
                  Row("worker + gateway together",
                      absl::StrFormat("peak PSS %.1f MB", r.pair_peak_pss_mb)),
                  Row("CPU per update (worker+gateway)",
                      absl::StrFormat("%.3f ms", r.pair_cpu_ms_per_update)),
                  Row("CPU per update (load + emulator)",
                      absl::StrFormat("%.3f ms", r.bench_cpu_ms_per_update)),
                  Row("result", Passed(r) ? "PASS" : "FAIL"));
  return out;
}

nlohmann::json ToJson(const Report& r) {
  return {
      {"chats", r.chats},
      {"messages", r.messages},
      {"seconds", r.seconds},
      {"latency_ms", r.latency_ms},
      {"connections", r.connections},
      {"bot", r.bot},
      {"worker_threads",
       r.worker_threads.empty() ? "default" : r.worker_threads},
      {"total_updates", r.total_updates},
      {"undelivered", r.undelivered},
      {"echoed", r.echoed},
      {"wall_seconds", r.wall_seconds},
      {"post_seconds", r.post_seconds},
      {"throughput_per_second", r.throughput_per_second},
      {"webhook_answer_ms", PercentilesJson(r.webhook_answer)},
      {"end_to_end_ms",
       {{"p50", r.end_to_end.p50_ms}, {"p99", r.end_to_end.p99_ms}}},
      {"redeliveries", r.redeliveries},
      {"non_2xx", r.non_2xx},
      {"no_answer", r.no_answer},
      {"lost", r.lost},
      {"duplicated", r.duplicated},
      {"out_of_order", r.out_of_order},
      {"unexpected", r.unexpected},
      {"worker", ProcessJson(r.worker)},
      {"gateway", ProcessJson(r.gateway)},
      {"bench", ProcessJson(r.bench)},
      {"pair_cpu_ms_per_update", r.pair_cpu_ms_per_update},
      {"bench_cpu_ms_per_update", r.bench_cpu_ms_per_update},
      {"pair_peak_pss_mb", r.pair_peak_pss_mb},
      {"passed", Passed(r)},
  };
}

std::string MarkdownHeader() {
  return "| Bot API latency | chats | bot | load | throughput (updates/s) | "
         "webhook answers not 2xx | webhook p50 / p99 | end-to-end p99 | "
         "CPU per update, gateway + worker | CPU per update, load generator "
         "+ emulator | peak RSS gateway / worker / load + emulator | peak PSS "
         "gateway + worker together | not "
         "echoed by the end (lost or still queued), duplicated, reordered |\n"
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
}

std::string MarkdownRow(const Report& r) {
  auto rss = [](const ProcessFigures& p) {
    return p.measured ? absl::StrFormat("%.1f", p.stats.peak_rss_mb)
                      : std::string("?");
  };
  return absl::StrFormat(
      "| %d ms | %d | %s | %s | %.0f | %d | %.1f / %.1f ms | %.0f ms | %.3f ms | "
      "%.3f ms | %s / %s / %s MB | %.1f MB | %d, %d, %d |\n",
      r.latency_ms, r.chats, r.bot, Load(r), r.throughput_per_second,
      r.non_2xx + r.no_answer, r.webhook_answer.p50_ms, r.webhook_answer.p99_ms,
      r.end_to_end.p99_ms, r.pair_cpu_ms_per_update, r.bench_cpu_ms_per_update,
      rss(r.gateway), rss(r.worker), rss(r.bench), r.pair_peak_pss_mb,
      r.lost, r.duplicated,
      r.out_of_order + r.unexpected);
}

}  // namespace telegate::bench
