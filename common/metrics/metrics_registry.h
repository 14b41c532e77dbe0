// MetricsRegistry: named metric families and their Prometheus text exposition (format 0.0.4).
//
// A family has a name, help text, a kind and a fixed set of label names; each distinct set of
// label values is one series. Get* returns the series' metric, creating family and series on
// first use; the same name and labels always return the same pointer, valid for the registry's
// lifetime. Look a metric up once (it takes the registry mutex) and keep the pointer.
//
//   MetricsRegistry& registry = MetricsRegistry::Default();
//   Counter* published = registry.GetCounter("sales_relay_published_total",
//                                            "Events published to Kafka.",
//                                            {{"topic", "sales.leads.v1"}});
//   published->Increment(12);
//   CallbackGaugeRegistration waiting = registry.AddCallbackGauge(
//       "sales_outbox_rows_waiting", "Outbox rows not yet published.", {},
//       [&outbox] { return static_cast<double>(outbox.PendingRows()); });
//   std::string text = registry.RenderPrometheus();
//
// Names are code, values are data. Metric names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label
// names [a-zA-Z_][a-zA-Z0-9_]* (not starting with "__"; "le" is reserved for histogram buckets).
// A name breaking those rules, a family requested again with another kind, other label names or
// other buckets, are programmer errors: they assert in debug builds; in release builds they are
// logged (sales::log, "metrics.misuse") and the caller gets a working metric that is never
// exported, so a scrape is never broken. Label VALUES may be any bytes; they are escaped.
// A family keeps the help text it was first registered with.
//
// Thread-safety: every method may be called concurrently. Registration and rendering take the
// registry mutex; updating a metric takes none.
#ifndef SALES_COMMON_METRICS_METRICS_REGISTRY_H_
#define SALES_COMMON_METRICS_METRICS_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/metrics.h"

namespace sales::metrics {

// Label name → value, in any order: {{"topic", "sales.leads.v1"}, {"partition", "3"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class CallbackGaugeRegistration;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The process-wide registry that servers export. Never destroyed.
  static MetricsRegistry& Default();

  Counter* GetCounter(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Gauge* GetGauge(absl::string_view name, absl::string_view help, const Labels& labels = {});
  // `upper_bounds`: finite and strictly increasing (a trailing +Inf is allowed and dropped). All
  // series of a family share the bounds given when the family was created.
  Histogram* GetHistogram(absl::string_view name, absl::string_view help,
                          std::vector<double> upper_bounds, const Labels& labels = {});

  // A gauge whose value `compute` returns at each scrape, for values that live elsewhere (rows
  // waiting in an outbox, consumer lag). The series exists while the returned registration does;
  // registering the same series again replaces the callback (the newest registration wins, and
  // destroying an older one leaves it in place). `compute` runs under the registry mutex, on the
  // scraping thread: it must be quick and must not call this registry. The registration must
  // not outlive the registry.
  [[nodiscard]] CallbackGaugeRegistration AddCallbackGauge(absl::string_view name,
                                                           absl::string_view help,
                                                           const Labels& labels,
                                                           std::function<double()> compute);

  // Every family, sorted by name, with # HELP and # TYPE lines, its series sorted by label
  // values. Deterministic for a given state.
  std::string RenderPrometheus() const;

 private:
  friend class CallbackGaugeRegistration;
  struct Family;
  struct Series;
  enum class Kind;

  // Finds or creates the series for (name, labels), checking that the family has `kind`, the
  // same label names and (histograms) the same bounds. Errors are programmer errors.
  absl::StatusOr<Series*> FindOrAddSeries(absl::string_view name, absl::string_view help, Kind kind,
                                          const Labels& labels,
                                          const std::vector<double>& upper_bounds)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Asserts in debug builds; logs in release builds.
  void ReportMisuse(const absl::Status& status) const;
  void RemoveCallbackGauge(const std::string& name, const std::vector<std::string>& label_values,
                           uint64_t registration_id);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_ ABSL_GUARDED_BY(mu_);
  uint64_t next_registration_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Metrics handed out for misuses in release builds: working, owned here, never rendered.
  std::vector<std::unique_ptr<Series>> unexported_ ABSL_GUARDED_BY(mu_);
};

// Keeps a callback gauge registered; unregisters it on destruction. Movable, not copyable.
class CallbackGaugeRegistration {
 public:
  CallbackGaugeRegistration() = default;  // registers nothing
  CallbackGaugeRegistration(CallbackGaugeRegistration&& other) noexcept;
  CallbackGaugeRegistration& operator=(CallbackGaugeRegistration&& other) noexcept;
  ~CallbackGaugeRegistration();

 private:
  friend class MetricsRegistry;
  CallbackGaugeRegistration(MetricsRegistry* registry, std::string name,
                            std::vector<std::string> label_values, uint64_t id);
  void Reset();

  MetricsRegistry* registry_ = nullptr;
  std::string name_;
  std::vector<std::string> label_values_;
  uint64_t id_ = 0;
};

}  // namespace sales::metrics

#endif  // SALES_COMMON_METRICS_METRICS_REGISTRY_H_
