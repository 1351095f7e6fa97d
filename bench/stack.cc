#include "bench/stack.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/proc_stats.h"
#include "testing/loopback_servers.h"

namespace telegate::bench {
namespace {

constexpr char kToken[] = "987654321:bench-token";
constexpr char kBotSecret[] = "bench_bot-secret";
constexpr char kSecret[] = "bench_secret-42";
constexpr absl::Duration kStartTimeout = absl::Seconds(20);
// "listening" and "worker_stream_opened" are info lines: at "warn" they
// would not be printed and the bench could not learn the bound ports. Info
// logs nothing per update in either binary.
constexpr char kLogLevel[] = "info";

// The child's output, attached to a start-up error for diagnostics.
absl::Status WithOutput(const absl::Status& status, const char* who,
                        const testing::ChildProcess& child) {
  return absl::Status(
      status.code(),
      absl::StrCat(who, ": ", std::string(status.message()), "\n--- ", who,
                   " output ---\n", child.Output()));
}

ProcessFigures Measure(const char* name, testing::ChildProcess* child) {
  ProcessFigures figures;
  figures.name = name;
  if (child == nullptr) return figures;
  absl::StatusOr<ProcStats> stats = ReadProcStats(child->pid());
  if (stats.ok()) {
    figures.measured = true;
    figures.stats = *stats;
  }
  return figures;
}

int Terminate(testing::ChildProcess* child) {
  if (child == nullptr) return -1;
  child->Signal(SIGTERM);
  return child->Wait();
}

}  // namespace

absl::StatusOr<std::unique_ptr<BenchStack>> BenchStack::Start(
    const StackOptions& options) {
  std::unique_ptr<BenchStack> stack(new BenchStack());
  absl::Status status = stack->StartAll(options);
  if (!status.ok()) return status;
  return stack;
}

const std::string& BenchStack::secret() const {
  static const auto* secret = new std::string(kSecret);
  return *secret;
}

absl::Status BenchStack::StartAll(const StackOptions& options) {
  for (const char* binary : {"telegate-worker", "telegate-gateway"}) {
    if (access((options.bin_dir + "/" + binary).c_str(), X_OK) != 0) {
      return absl::NotFoundError(absl::StrCat("no executable ", binary, " in ",
                                              options.bin_dir,
                                              " (see --bin_dir)"));
    }
  }
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "telegate-bench-XXXXXX")
          .string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary data directory");
  }
  data_dir_ = dir_template;

  emulator::BotApiOptions api_options;
  api_options.token = kToken;
  api_options.max_recorded_calls =
      std::max<size_t>(100000, 2 * options.expected_calls + 1000);
  api_options.latency.ms = options.latency_ms;
  api_ = std::make_unique<emulator::BotApi>(api_options);
  emulator_ = std::make_unique<emulator::EmulatorServer>(api_.get());
  absl::StatusOr<int> emulator_port = emulator_->Start("127.0.0.1", 0);
  if (!emulator_port.ok()) return emulator_port.status();

  std::map<std::string, std::string> worker_env = {
      {"TELEGRAM_BOT_TOKEN", kToken},
      {"TELEGRAM_API_BASE_URL",
       absl::StrCat("http://127.0.0.1:", *emulator_port)},
      {"TELEGATE_GRPC_LISTEN", "127.0.0.1:0"},
      {"TELEGATE_WORKER_ADMIN_LISTEN", "127.0.0.1:0"},
      {"TELEGATE_DATA_DIR", data_dir_},
      {"TELEGATE_QUEUE_LIMIT", absl::StrCat(options.queue_limit)},
      {"TELEGATE_LOG_LEVEL", kLogLevel}};
  if (!options.worker_threads.empty()) {
    worker_env["TELEGATE_WORKER_THREADS"] = options.worker_threads;
  }
  if (!options.upstream_bot.empty()) {
    const int bot_port = testing::UnusedPort();
    const int api_port = testing::UnusedPort();
    worker_env["TELEGATE_UPSTREAM_URL"] =
        absl::StrCat("http://127.0.0.1:", bot_port, "/webhook");
    worker_env["TELEGATE_UPSTREAM_SECRET"] = kBotSecret;
    worker_env["TELEGATE_BOT_API_LISTEN"] =
        absl::StrCat("127.0.0.1:", api_port);
    absl::StatusOr<std::unique_ptr<testing::ChildProcess>> bot =
        testing::ChildProcess::Start(
            "/usr/bin/python3", {options.upstream_bot},
            {{"BOT_TOKEN", kToken},
             {"BOT_API_BASE", absl::StrCat("http://127.0.0.1:", api_port)},
             {"WEBHOOK_LISTEN", absl::StrCat("127.0.0.1:", bot_port)},
             {"WEBHOOK_SECRET", kBotSecret},
             {"PATH", "/usr/bin:/bin"}});
    if (!bot.ok()) return bot.status();
    bot_ = std::move(*bot);
  }
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> worker =
      testing::ChildProcess::Start(options.bin_dir + "/telegate-worker", {},
                                   worker_env);
  if (!worker.ok()) return worker.status();
  worker_ = std::move(*worker);
  absl::StatusOr<std::string> worker_address =
      worker_->WaitForListening("grpc", kStartTimeout);
  if (!worker_address.ok()) {
    return WithOutput(worker_address.status(), "telegate-worker", *worker_);
  }

  std::map<std::string, std::string> gateway_env = {
      {"TELEGATE_WEBHOOK_SECRET", kSecret},
      {"TELEGATE_LISTEN", "127.0.0.1:0"},
      {"TELEGATE_ADMIN_LISTEN", "127.0.0.1:0"},
      {"TELEGATE_WORKER_ADDRESS", *worker_address},
      {"TELEGATE_LOG_LEVEL", kLogLevel}};
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> gateway =
      testing::ChildProcess::Start(options.bin_dir + "/telegate-gateway", {},
                                   gateway_env);
  if (!gateway.ok()) return gateway.status();
  gateway_ = std::move(*gateway);
  absl::StatusOr<std::string> public_address =
      gateway_->WaitForListening("public", kStartTimeout);
  if (!public_address.ok()) {
    return WithOutput(public_address.status(), "telegate-gateway", *gateway_);
  }
  public_port_ = testing::PortOf(*public_address);
  absl::Status admin =
      gateway_->WaitForListening("admin", kStartTimeout).status();
  if (!admin.ok()) return WithOutput(admin, "telegate-gateway", *gateway_);
  absl::Status stream =
      gateway_->WaitForEvent("worker_stream_opened", kStartTimeout).status();
  if (!stream.ok()) return WithOutput(stream, "telegate-gateway", *gateway_);
  return absl::OkStatus();
}

void BenchStack::Stop(ProcessFigures* worker, ProcessFigures* gateway) {
  if (stopped_) return;
  stopped_ = true;
  // Both are measured before either is signalled, so shutdown work is not
  // counted.
  ProcessFigures worker_figures = Measure("worker", worker_.get());
  ProcessFigures gateway_figures = Measure("gateway", gateway_.get());
  gateway_figures.exit_code = Terminate(gateway_.get());
  worker_figures.exit_code = Terminate(worker_.get());
  if (bot_ != nullptr) Terminate(bot_.get());
  if (emulator_ != nullptr) emulator_->Stop();
  std::error_code ignored;
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_, ignored);
  if (worker != nullptr) *worker = worker_figures;
  if (gateway != nullptr) *gateway = gateway_figures;
}

std::vector<pid_t> BenchStack::pair_pids() const {
  return {worker_->pid(), gateway_->pid()};
}

BenchStack::~BenchStack() { Stop(nullptr, nullptr); }

}  // namespace telegate::bench
