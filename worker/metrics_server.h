// The worker's small HTTP admin listener: GET /metrics (Prometheus text,
// bearer token required when one is configured) and GET /healthz
// (liveness). Start once; Stop joins the listener thread.
#ifndef TELEGATE_WORKER_METRICS_SERVER_H_
#define TELEGATE_WORKER_METRICS_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/metrics.h"
#include "worker/auth.h"

namespace httplib {
class Server;
}

namespace telegate::worker {

class MetricsServer {
 public:
  // `registry` and `auth` must outlive the server.
  MetricsServer(const MetricsRegistry* registry, const BearerAuth* auth);
  ~MetricsServer();

  // Listens on "host:port" (port 0: any); returns the bound port.
  absl::StatusOr<int> Start(const std::string& address);
  void Stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// Registers the worker's metrics (prefix telegate_worker_) in `registry`,
// reading the given parts; they must outlive the registry's renders.
class BotRuntime;
class Intake;
class ChatScheduler;
class UpstreamHealth;
struct BotApiEndpointStats;
class UpdateProcessor;
struct WorkerStats;
void RegisterWorkerMetrics(MetricsRegistry* registry, const WorkerStats* stats,
                           const BotRuntime* runtime, const Intake* intake,
                           const ChatScheduler* scheduler,
                           const UpdateProcessor* processor);
// The user's own bot (telegate_worker_upstream_*) and the Bot API endpoint
// (telegate_worker_endpoint_*); both must outlive the registry.
void RegisterUpstreamMetrics(MetricsRegistry* registry,
                             const UpstreamHealth* upstream);
void RegisterEndpointMetrics(MetricsRegistry* registry,
                             const BotApiEndpointStats* endpoint);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_METRICS_SERVER_H_
