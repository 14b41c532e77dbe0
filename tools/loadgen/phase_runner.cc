#include "tools/loadgen/phase_runner.h"

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace sales::loadgen {
namespace {

constexpr int kErrorMessagesPrintedPerClient = 3;

}  // namespace

double PhaseResult::calls_per_second() const {
  const double seconds = absl::ToDoubleSeconds(measured);
  return seconds > 0 ? static_cast<double>(stats.ok_count()) / seconds : 0;
}

PhaseResult RunPhase(const PhaseOptions& options, const ClientFactory& make_client) {
  const absl::Time measure_from = absl::Now() + options.warm_up;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> measured_calls{0};
  absl::Notification max_calls_reached;
  std::vector<LatencyStats> per_client(static_cast<size_t>(options.clients));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(options.clients));
  for (int client = 0; client < options.clients; ++client) {
    threads.emplace_back([&, client] {
      LatencyStats& stats = per_client[static_cast<size_t>(client)];
      std::function<CallOutcome()> next_call = make_client(client);
      int errors_printed = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        const bool measured = absl::Now() >= measure_from;
        CallOutcome outcome = next_call();
        if (!outcome.status.ok()) {
          stats.RecordError(outcome.kind, outcome.status.error_code());
          if (errors_printed++ < kErrorMessagesPrintedPerClient) {
            absl::FPrintF(stderr, "client %d: %s failed: code %d: %s\n", client, outcome.kind,
                          static_cast<int>(outcome.status.error_code()),
                          outcome.status.error_message());
          }
          continue;
        }
        if (!measured) continue;
        stats.RecordOk(outcome.kind, outcome.latency);
        if (measured_calls.fetch_add(1, std::memory_order_relaxed) + 1 == options.max_calls) {
          max_calls_reached.Notify();
        }
      }
    });
  }
  max_calls_reached.WaitForNotificationWithDeadline(measure_from + options.duration);
  const absl::Time measure_to = absl::Now();
  stop.store(true);
  for (std::thread& thread : threads) thread.join();

  PhaseResult result;
  result.measured = std::max(absl::ZeroDuration(), measure_to - measure_from);
  for (const LatencyStats& stats : per_client) result.stats.MergeFrom(stats);
  return result;
}

}  // namespace sales::loadgen
