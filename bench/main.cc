// telegate-bench: plays Telegram against the real gateway + worker and
// prints throughput, latency, redeliveries, lost/duplicated/out-of-order
// echoes, CPU and memory. Exit 0 when every update was echoed exactly once
// and in order, 1 otherwise, 2 when it could not run.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "bench/config.h"
#include "bench/runner.h"
#include "common/log.h"
#include "common/settings.h"

extern char** environ;

namespace {

std::string SelfDir() {
  std::error_code error;
  std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "." : self.parent_path().string();
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "telegate-bench: %s\n",
               std::string(status.message()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace telegate;  // NOLINT(google-build-using-namespace)
  absl::StatusOr<Settings> settings =
      Settings::Load(bench::BenchSettingSpecs(), argc, argv, environ);
  if (!settings.ok()) {
    if (absl::IsCancelled(settings.status())) {  // --help
      std::printf("%s", std::string(settings.status().message()).c_str());
      return 0;
    }
    return Fail(settings.status());
  }
  absl::StatusOr<bench::BenchConfig> config =
      bench::LoadBenchConfig(*settings, SelfDir());
  if (!config.ok()) return Fail(config.status());
  log::SetLevel(log::Level::kWarn);  // the in-process emulator's lines

  absl::StatusOr<bench::Report> report = bench::RunBench(*config);
  if (!report.ok()) return Fail(report.status());
  std::printf("%s", bench::FormatText(*report).c_str());
  if (!config->markdown_path.empty()) {
    const bool fresh = !std::filesystem::exists(config->markdown_path) ||
                       std::filesystem::file_size(config->markdown_path) == 0;
    std::ofstream out(config->markdown_path, std::ios::app);
    if (fresh) out << bench::MarkdownHeader();
    out << bench::MarkdownRow(*report);
    if (!out) {
      return Fail(
          absl::UnavailableError("cannot write " + config->markdown_path));
    }
  }
  if (!config->json_path.empty()) {
    std::ofstream out(config->json_path);
    out << bench::ToJson(*report).dump(2) << "\n";
    if (!out) {
      return Fail(absl::UnavailableError("cannot write " + config->json_path));
    }
  }
  return bench::Passed(*report) ? 0 : 1;
}
