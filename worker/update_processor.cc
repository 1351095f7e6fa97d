#include "worker/update_processor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log.h"
#include "http/event_loop.h"
#include "http/http_client.h"
#include "worker/update_processor_loop.h"

namespace telegate::worker {
namespace {

// Deliveries one pump takes up before handing the rest to the next loop,
// so every loop gets a share of a burst.
constexpr int kPumpBatch = 32;

}  // namespace

UpdateProcessor::UpdateProcessor(ProcessorOptions options,
                                 ChatScheduler* scheduler, Journal* journal,
                                 BotRuntime* runtime, BotHandler* handler,
                                 WorkerStats* stats,
                                 AsyncBotApiClientFactory* factory, Clock clock)
    : options_(std::move(options)),
      scheduler_(scheduler),
      journal_(journal),
      runtime_(runtime),
      handler_(handler),
      stats_(stats),
      factory_(factory),
      clock_(std::move(clock)) {
  if (options_.rate_limits) {
    limiter_ = std::make_unique<RateLimiter>(*options_.rate_limits);
  }
}

UpdateProcessor::~UpdateProcessor() { Stop(absl::ZeroDuration()); }

absl::Status UpdateProcessor::Start() {
  for (int i = 0; i < std::max(options_.loops, 1); ++i) {
    auto loop = std::make_unique<Loop>();
    loop->index = i;
    if (absl::Status s = loop->event_loop.Start(absl::StrCat("tg-loop-", i));
        !s.ok()) {
      return s;
    }
    loops_.push_back(std::move(loop));
  }
  started_ = true;
  runtime_->Bind(
      [this](uint64_t generation) {
        uint64_t seen = latest_generation_.load();
        while (seen < generation &&
               !latest_generation_.compare_exchange_weak(seen, generation)) {
        }
        for (auto& loop : loops_) {
          loop->event_loop.Post([this, l = loop.get()] {
            EnsureClient(*l);
            Pump(*l);
          });
        }
      },
      [this](std::function<void(ApiResult)> done) {
        Loop& l = *loops_[0];
        l.event_loop.Post([this, &l, done = std::move(done)]() mutable {
          EnsureClient(l);
          if (l.client == nullptr || stopped_.load()) {
            ApiResult none;
            none.description = "worker stopping";
            done(none);
            return;
          }
          l.calls.fetch_add(1, std::memory_order_relaxed);
          l.client->Call("getMe", nlohmann::json::object(), std::move(done));
        });
      });
  scheduler_->SetOnReady([this] {
    uint32_t i = next_loop_.fetch_add(1, std::memory_order_relaxed);
    PostPump(*loops_[i % loops_.size()]);
  });
  for (auto& loop : loops_) PostPump(*loop);  // replayed deliveries
  return absl::OkStatus();
}

std::vector<UpdateProcessor::LoopSnapshot> UpdateProcessor::LoopStates()
    const {
  std::vector<LoopSnapshot> out;
  for (const auto& l : loops_) {
    out.push_back({l->in_flight.load(), l->chats_served.load(),
                   l->generation_seen.load(), l->calls.load()});
  }
  return out;
}

int64_t UpdateProcessor::calls_in_flight() const {
  int64_t n = 0;
  for (const auto& l : loops_) n += l->in_flight.load();
  return n;
}

ApiResult UpdateProcessor::CallAndWait(const std::string& method,
                                       const nlohmann::json& params) {
  ApiResult unavailable;
  unavailable.description = "worker stopping";
  if (!started_ || stopped_.load()) return unavailable;
  auto done = std::make_shared<absl::Notification>();
  auto result = std::make_shared<ApiResult>(unavailable);
  Loop& l = *loops_[0];
  l.event_loop.Post([this, &l, method, params, done, result] {
    EnsureClient(l);
    if (l.client == nullptr || stopped_.load()) {
      done->Notify();
      return;
    }
    l.calls.fetch_add(1, std::memory_order_relaxed);
    l.client->Call(method, params, [done, result](ApiResult r) {
      *result = std::move(r);
      done->Notify();
    });
  });
  if (!done->WaitForNotificationWithTimeout(absl::Minutes(2))) {
    unavailable.description = "no answer within 2 minutes";
    return unavailable;
  }
  return *result;
}

void UpdateProcessor::Stop(absl::Duration grace) {
  if (!started_ || stopped_.load()) return;
  scheduler_->WaitUntilEmpty(grace);
  stopped_.store(true);
  // Clients go first, on their loops: a call still in flight completes
  // (cancelled) into a callback that sees stopped_ and leaves its delivery
  // journaled for the next start.
  for (auto& loop : loops_) {
    absl::Notification cleared;
    loop->event_loop.Post([l = loop.get(), &cleared] {
      if (l->wake_timer != 0) l->event_loop.Cancel(l->wake_timer);
      l->wake_timer = 0;
      l->client.reset();
      l->upstream.reset();
      l->upstream_retired.clear();
      l->retired.clear();
      cleared.Notify();
    });
    cleared.WaitForNotification();
  }
  for (auto& loop : loops_) loop->event_loop.Stop();
  if (int64_t left = scheduler_->size(); left > 0) {
    log::Warn("worker", "shutdown_left_journaled", {{"count", left}});
  }
}

void UpdateProcessor::PostPump(Loop& loop) {
  if (stopped_.load() || loop.pump_posted.exchange(true)) return;
  loop.event_loop.Post([this, &loop] { Pump(loop); });
}

void UpdateProcessor::EnsureClient(Loop& loop) {
  uint64_t target = latest_generation_.load();
  if (target == 0 || loop.generation == target || stopped_.load()) return;
  if (loop.client != nullptr) {
    // Kept until its calls in flight completed (ReapRetired).
    loop.retired.push_back(std::move(loop.client));
  }
  loop.client = factory_->Create(&loop.event_loop);
  loop.generation = target;
  loop.generation_seen.store(target);
  ReapRetired(loop);
}

void UpdateProcessor::ReapRetired(Loop& loop) {
  loop.retired.erase(
      std::remove_if(loop.retired.begin(), loop.retired.end(),
                     [](const auto& c) { return c->in_flight() == 0; }),
      loop.retired.end());
}

void UpdateProcessor::Pump(Loop& loop) {
  loop.pump_posted.store(false);
  if (stopped_.load()) return;
  EnsureClient(loop);
  if (!loop.retired.empty()) ReapRetired(loop);
  if (loop.client == nullptr) return;  // no generation yet
  int taken = 0;
  while (taken < kPumpBatch && ReserveSlot()) {
    Delivery* delivery = scheduler_->TryNext();
    if (delivery == nullptr) {
      active_.fetch_sub(1);
      break;
    }
    ++taken;
    loop.chats_served.fetch_add(1, std::memory_order_relaxed);
    Advance(loop, delivery, StepResult::Resume(), loop.generation);
  }
  if (taken == kPumpBatch) {
    // More may be ready: the next loop takes the next batch.
    PostPump(*loops_[(loop.index + 1) % loops_.size()]);
  }
  ArmWake(loop);
}

bool UpdateProcessor::ReserveSlot() {
  if (active_.fetch_add(1) >= options_.max_in_flight) {
    active_.fetch_sub(1);
    return false;
  }
  return true;
}

void UpdateProcessor::ReleaseSlot(Loop& loop) {
  active_.fetch_sub(1);
  PostPump(loop);
}

void UpdateProcessor::ArmWake(Loop& loop) {
  absl::Time wake = scheduler_->NextWake();
  if (wake == absl::InfiniteFuture() || wake >= loop.wake_armed) return;
  if (loop.wake_timer != 0) loop.event_loop.Cancel(loop.wake_timer);
  loop.wake_armed = wake;
  // Wake-up times are on the injected clock; the loop's timers on the real
  // one.
  absl::Time real = absl::Now() + std::max(wake - clock_(), absl::ZeroDuration());
  loop.wake_timer = loop.event_loop.RunAt(real, [this, &loop] {
    loop.wake_timer = 0;
    loop.wake_armed = absl::InfiniteFuture();
    Pump(loop);
  });
}

void UpdateProcessor::Advance(Loop& loop, Delivery* delivery, StepResult step,
                              uint64_t generation) {
  while (true) {
    size_t tried = delivery->state.next_action;
    Decision decision = Decide(options_.retry, delivery->state, step, clock_(),
                               DrawJitter(options_.retry));
    delivery->state = decision.next;
    Account(decision, *delivery, tried, step, generation);
    switch (decision.kind) {
      case DecisionKind::kDecide:
        if (!delivery->update.decision_json.empty()) {
          step = JournaledDecision(delivery);  // replay: never ask again
          continue;
        }
        if (!options_.upstream.url.empty()) {
          PostUpstream(loop, delivery);
          return;
        }
        step = RunHandler(delivery);
        continue;
      case DecisionKind::kRecordDecision:
        RecordDecision(loop, delivery);
        return;
      case DecisionKind::kRunAction: {
        const BotAction& action = delivery->actions[delivery->state.next_action];
        if (limiter_ != nullptr && IsRateLimitedMethod(action.method)) {
          int64_t chat_id = action.params.value("chat_id", int64_t{0});
          step = StepResult::RateSlot(limiter_->Acquire(chat_id, clock_()));
          continue;
        }
        StartCall(loop, delivery);
        return;
      }
      case DecisionKind::kSend:
        StartCall(loop, delivery);
        return;
      case DecisionKind::kMigrate:
        delivery->actions[delivery->state.next_action].params["chat_id"] =
            decision.migrate_to_chat_id;
        step = StepResult::Resume();
        continue;
      case DecisionKind::kPark:
      case DecisionKind::kRetry:
        Park(loop, delivery, decision.wake_at);
        return;
      case DecisionKind::kDone:
        Finish(loop, delivery);
        return;
    }
  }
}

StepResult UpdateProcessor::RunHandler(Delivery* delivery) {
  nlohmann::json update = nlohmann::json::parse(delivery->update.payload,
                                                nullptr,
                                                /*allow_exceptions=*/false);
  if (update.is_discarded()) return StepResult::Decided(0, false);
  try {
    delivery->actions = handler_->Decide(update);
  } catch (const std::exception& e) {
    // Bot code is user code: a throw fails this update, not the worker.
    runtime_->RecordError(runtime_->generation(),
                          std::string("bot handler threw: ") + e.what());
    delivery->actions.clear();
    return StepResult::Decided(0, false);
  }
  return StepResult::Decided(delivery->actions.size(), true);
}

void UpdateProcessor::StartCall(Loop& loop, Delivery* delivery) {
  const BotAction& action = delivery->actions[delivery->state.next_action];
  uint64_t generation = loop.generation;
  loop.calls.fetch_add(1, std::memory_order_relaxed);
  loop.in_flight.fetch_add(1);
  loop.client->Call(
      action.method, action.params,
      [this, &loop, delivery, generation](ApiResult result) {
        loop.in_flight.fetch_sub(1);
        if (stopped_.load()) return;  // stays journaled
        if (generation != loop.generation) {
          // The old client is done with this call; destroy it once it has
          // none left, after this callback returned.
          loop.event_loop.Post([this, &loop] { ReapRetired(loop); });
        }
        Advance(loop, delivery, StepResult::Call(result), generation);
      });
}

void UpdateProcessor::Park(Loop& loop, Delivery* delivery, absl::Time wake_at) {
  scheduler_->Defer(delivery, wake_at);
  ArmWake(loop);
  ReleaseSlot(loop);
}

void UpdateProcessor::Finish(Loop& loop, Delivery* delivery) {
  const AcceptedUpdate& update = delivery->update;
  if (update.kind == UpdateKind::kTelegram) journal_->MarkDone(update.update_id);
  if (update.accepted_at_us > 0) {
    absl::Time now = clock_();
    stats_->latency.Record(now,
                           now - absl::FromUnixMicros(update.accepted_at_us));
  }
  (delivery->state.had_failure ? stats_->failed : stats_->processed)
      .fetch_add(1);
  log::Debug("worker", "update_handled",
             {{"update_id", update.update_id},
              {"retry_of", update.retry_of},
              {"chat_key", update.chat_key}});
  scheduler_->Complete(delivery);
  ReleaseSlot(loop);
}

}  // namespace telegate::worker
