// Echo collection: reads the successful sendMessage calls the emulated Bot
// API recorded and matches each to the update it answers through its text
// ("c<chat> m<index>"). WaitForEchoes polls until every expected update was
// echoed, nothing new arrived for `idle_timeout` or `deadline` passed, then
// lingers `settle` to catch late duplicates. BotApi is thread-safe, so it may run while
// others still use the emulator.
#ifndef TELEGATE_BENCH_ECHOES_H_
#define TELEGATE_BENCH_ECHOES_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "bench/records.h"
#include "emulator/bot_api.h"
#include "nlohmann/json.hpp"

namespace telegate::bench {

// One recorded call ({seq, method, params, http_status, time_us}) as an
// Echo; nullopt when it is not a successful sendMessage.
std::optional<Echo> ParseEcho(const nlohmann::json& call);

std::vector<Echo> WaitForEchoes(const emulator::BotApi& api, size_t expected,
                                absl::Duration idle_timeout,
                                absl::Time deadline, absl::Duration settle);

}  // namespace telegate::bench

#endif  // TELEGATE_BENCH_ECHOES_H_
