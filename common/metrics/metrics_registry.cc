#include "common/metrics/metrics_registry.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace sales::metrics {

enum class MetricsRegistry::Kind { kCounter, kGauge, kHistogram, kCallbackGauge };

// One set of label values of a family. Exactly one member is used, chosen by the family's kind.
struct MetricsRegistry::Series {
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> compute;
  uint64_t registration_id = 0;  // of the callback registration that owns `compute`
};

struct MetricsRegistry::Family {
  std::string help;
  Kind kind;
  std::vector<std::string> label_names;  // sorted
  std::vector<double> upper_bounds;      // histograms only
  // Keyed by the label values in label_names order, which also gives the rendering order.
  std::map<std::vector<std::string>, Series> series;
};

namespace {

bool IsAsciiLetterOrUnderscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status ValidateMetricName(absl::string_view name) {
  bool valid =
      !name.empty() && !IsAsciiDigit(name[0]) && std::all_of(name.begin(), name.end(), [](char c) {
        return IsAsciiLetterOrUnderscore(c) || IsAsciiDigit(c) || c == ':';
      });
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("metric name \"", name, "\" does not match [a-zA-Z_:][a-zA-Z0-9_:]*"));
}

absl::Status ValidateLabelName(absl::string_view metric, absl::string_view label, bool histogram) {
  bool valid = !label.empty() && !IsAsciiDigit(label[0]) &&
               std::all_of(label.begin(), label.end(),
                           [](char c) { return IsAsciiLetterOrUnderscore(c) || IsAsciiDigit(c); });
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat("metric ", metric, ": label name \"", label,
                                                   "\" does not match [a-zA-Z_][a-zA-Z0-9_]*"));
  }
  if (absl::StartsWith(label, "__") || (histogram && label == "le")) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", metric, ": label name \"", label, "\" is reserved"));
  }
  return absl::OkStatus();
}

// Sorted by label name, so that the order the caller wrote them in does not matter.
Labels SortedLabels(const Labels& labels) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

std::vector<std::string> LabelValues(const Labels& sorted) {
  std::vector<std::string> values;
  for (const auto& [name, value] : sorted) values.push_back(value);
  return values;
}

absl::StatusOr<std::vector<double>> NormalizedBounds(absl::string_view metric,
                                                     std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == INFINITY) bounds.pop_back();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "histogram ", metric, ": bucket bounds must be finite and strictly increasing"));
    }
  }
  return bounds;
}

// Prometheus' text for a float: Go's ParseFloat reads the shortest round-trip form.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

void AppendEscaped(std::string* out, absl::string_view text, bool escape_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && escape_quotes) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// name="value",… without braces; values escaped per the format.
std::string FormatLabels(const std::vector<std::string>& names,
                         const std::vector<std::string>& values) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&text, i == 0 ? "" : ",", names[i], "=\"");
    AppendEscaped(&text, values[i], /*escape_quotes=*/true);
    text.push_back('"');
  }
  return text;
}

void AppendSample(std::string* out, absl::string_view name, absl::string_view labels,
                  absl::string_view value) {
  absl::StrAppend(out, name, labels.empty() ? "" : "{", labels, labels.empty() ? "" : "}", " ",
                  value, "\n");
}

void AppendHistogram(std::string* out, absl::string_view name, const std::string& labels,
                     const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.Collect();
  const std::string bucket = absl::StrCat(name, "_bucket");
  const std::vector<double>& bounds = histogram.upper_bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    std::string le = FormatValue(i < bounds.size() ? bounds[i] : INFINITY);
    AppendSample(out, bucket, absl::StrCat(labels, labels.empty() ? "" : ",", "le=\"", le, "\""),
                 absl::StrCat(snapshot.cumulative_counts[i]));
  }
  AppendSample(out, absl::StrCat(name, "_sum"), labels, FormatValue(snapshot.sum));
  AppendSample(out, absl::StrCat(name, "_count"), labels,
               absl::StrCat(snapshot.cumulative_counts.back()));
}

}  // namespace

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry& MetricsRegistry::Default() {
  static MetricsRegistry* registry = new MetricsRegistry;
  return *registry;
}

absl::StatusOr<MetricsRegistry::Series*> MetricsRegistry::FindOrAddSeries(
    absl::string_view name, absl::string_view help, Kind kind, const Labels& labels,
    const std::vector<double>& upper_bounds) {
  RETURN_IF_ERROR(ValidateMetricName(name));
  const Labels sorted = SortedLabels(labels);
  std::vector<std::string> label_names;
  for (const auto& [label, value] : sorted) {
    RETURN_IF_ERROR(ValidateLabelName(name, label, kind == Kind::kHistogram));
    if (!label_names.empty() && label_names.back() == label) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric ", name, ": label \"", label, "\" given twice"));
    }
    label_names.push_back(label);
  }

  auto family_it = families_.find(name);
  if (family_it == families_.end()) {
    auto family = std::make_unique<Family>(Family{.help = std::string(help),
                                                  .kind = kind,
                                                  .label_names = label_names,
                                                  .upper_bounds = upper_bounds});
    family_it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = *family_it->second;
  if (family.kind != kind) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name, " is already registered as another kind"));
  }
  if (family.label_names != label_names) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric ", name, " has labels {", absl::StrJoin(family.label_names, ","),
                     "}, not {", absl::StrJoin(label_names, ","), "}"));
  }
  if (family.upper_bounds != upper_bounds) {
    return absl::InvalidArgumentError(
        absl::StrCat("histogram ", name, " is already registered with other buckets"));
  }

  auto [series_it, inserted] = family.series.try_emplace(LabelValues(sorted));
  Series& series = series_it->second;
  if (inserted) {
    switch (kind) {
      case Kind::kCounter:
        series.counter.reset(new Counter);
        break;
      case Kind::kGauge:
        series.gauge.reset(new Gauge);
        break;
      case Kind::kHistogram:
        series.histogram.reset(new Histogram(upper_bounds));
        break;
      case Kind::kCallbackGauge:
        break;  // the caller installs the callback
    }
  }
  return &series;
}

void MetricsRegistry::ReportMisuse(const absl::Status& status) const {
  log::Error("metrics.misuse", {{"error", status.message()}});
  assert(false && "metrics misuse: see the metrics.misuse log line");
}

Counter* MetricsRegistry::GetCounter(absl::string_view name, absl::string_view help,
                                     const Labels& labels) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Series*> series = FindOrAddSeries(name, help, Kind::kCounter, labels, {});
  if (series.ok()) return (*series)->counter.get();
  ReportMisuse(series.status());
  auto& unexported = unexported_.emplace_back(std::make_unique<Series>());
  unexported->counter.reset(new Counter);
  return unexported->counter.get();
}

Gauge* MetricsRegistry::GetGauge(absl::string_view name, absl::string_view help,
                                 const Labels& labels) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Series*> series = FindOrAddSeries(name, help, Kind::kGauge, labels, {});
  if (series.ok()) return (*series)->gauge.get();
  ReportMisuse(series.status());
  auto& unexported = unexported_.emplace_back(std::make_unique<Series>());
  unexported->gauge.reset(new Gauge);
  return unexported->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(absl::string_view name, absl::string_view help,
                                         std::vector<double> upper_bounds, const Labels& labels) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<double>> bounds = NormalizedBounds(name, std::move(upper_bounds));
  absl::Status status = bounds.status();
  if (status.ok()) {
    absl::StatusOr<Series*> series = FindOrAddSeries(name, help, Kind::kHistogram, labels, *bounds);
    if (series.ok()) return (*series)->histogram.get();
    status = series.status();
  }
  ReportMisuse(status);
  auto& unexported = unexported_.emplace_back(std::make_unique<Series>());
  unexported->histogram.reset(new Histogram(std::vector<double>{}));
  return unexported->histogram.get();
}

CallbackGaugeRegistration MetricsRegistry::AddCallbackGauge(absl::string_view name,
                                                            absl::string_view help,
                                                            const Labels& labels,
                                                            std::function<double()> compute) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Series*> series = FindOrAddSeries(name, help, Kind::kCallbackGauge, labels, {});
  if (!series.ok()) {
    ReportMisuse(series.status());
    return CallbackGaugeRegistration();
  }
  (*series)->compute = std::move(compute);
  (*series)->registration_id = next_registration_id_++;
  return CallbackGaugeRegistration(this, std::string(name), LabelValues(SortedLabels(labels)),
                                   (*series)->registration_id);
}

void MetricsRegistry::RemoveCallbackGauge(const std::string& name,
                                          const std::vector<std::string>& label_values,
                                          uint64_t registration_id) {
  absl::MutexLock lock(&mu_);
  auto family_it = families_.find(name);
  if (family_it == families_.end()) return;
  auto& all_series = family_it->second->series;
  auto series_it = all_series.find(label_values);
  if (series_it != all_series.end() && series_it->second.registration_id == registration_id) {
    all_series.erase(series_it);
  }
}

std::string MetricsRegistry::RenderPrometheus() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const bool counter = family->kind == Kind::kCounter;
    const bool histogram = family->kind == Kind::kHistogram;
    absl::StrAppend(&out, "# HELP ", name, " ");
    AppendEscaped(&out, family->help, /*escape_quotes=*/false);
    absl::StrAppend(&out, "\n# TYPE ", name, " ",
                    counter ? "counter" : (histogram ? "histogram" : "gauge"), "\n");
    for (const auto& [label_values, series] : family->series) {
      const std::string labels = FormatLabels(family->label_names, label_values);
      switch (family->kind) {
        case Kind::kCounter:
          AppendSample(&out, name, labels, FormatValue(series.counter->Value()));
          break;
        case Kind::kGauge:
          AppendSample(&out, name, labels, FormatValue(series.gauge->Value()));
          break;
        case Kind::kCallbackGauge:
          AppendSample(&out, name, labels, FormatValue(series.compute()));
          break;
        case Kind::kHistogram:
          AppendHistogram(&out, name, labels, *series.histogram);
          break;
      }
    }
  }
  return out;
}

CallbackGaugeRegistration::CallbackGaugeRegistration(MetricsRegistry* registry, std::string name,
                                                     std::vector<std::string> label_values,
                                                     uint64_t id)
    : registry_(registry),
      name_(std::move(name)),
      label_values_(std::move(label_values)),
      id_(id) {}

CallbackGaugeRegistration::CallbackGaugeRegistration(CallbackGaugeRegistration&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)),
      name_(std::move(other.name_)),
      label_values_(std::move(other.label_values_)),
      id_(other.id_) {}

CallbackGaugeRegistration& CallbackGaugeRegistration::operator=(
    CallbackGaugeRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    name_ = std::move(other.name_);
    label_values_ = std::move(other.label_values_);
    id_ = other.id_;
  }
  return *this;
}

CallbackGaugeRegistration::~CallbackGaugeRegistration() { Reset(); }

void CallbackGaugeRegistration::Reset() {
  if (registry_ != nullptr) registry_->RemoveCallbackGauge(name_, label_values_, id_);
  registry_ = nullptr;
}

}  // namespace sales::metrics
