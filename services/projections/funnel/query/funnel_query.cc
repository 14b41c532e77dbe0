#include "services/projections/funnel/query/funnel_query.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/projections/funnel/model/counter_row.h"
#include "services/projections/funnel/model/keys.h"

namespace sales::funnel {
namespace {

constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31
constexpr size_t kMaxIdLength = 128;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

absl::Status ValidateDimension(v1::FunnelDimension dimension, absl::string_view field) {
  if (dimension == v1::FUNNEL_DIMENSION_UNSPECIFIED || !v1::FunnelDimension_IsValid(dimension)) {
    return InvalidField(field,
                        "required: REGION, TEAM, REP, CHANNEL, SOURCE, PRODUCT_LINE or GRADE");
  }
  return absl::OkStatus();
}

absl::Status ValidateFilterValue(v1::FunnelDimension dimension, const std::string& value) {
  constexpr absl::string_view kField = "filter.value";
  if (value.empty()) return absl::OkStatus();
  if (dimension == v1::FUNNEL_DIMENSION_SOURCE) {
    leads_v1::LeadSource source;
    if (!leads_v1::LeadSource_Parse(value, &source) ||
        source == leads_v1::LEAD_SOURCE_UNSPECIFIED) {
      return InvalidField(kField, "not a LeadSource name (e.g. LEAD_SOURCE_WEB)");
    }
    return absl::OkStatus();
  }
  if (dimension == v1::FUNNEL_DIMENSION_GRADE) {
    leads_v1::Grade grade;
    if (!leads_v1::Grade_Parse(value, &grade) || grade == leads_v1::GRADE_UNSPECIFIED) {
      return InvalidField(kField, "not a Grade name (e.g. GRADE_A)");
    }
    return absl::OkStatus();
  }
  if (value.size() > kMaxIdLength) return InvalidField(kField, "longer than 128 characters");
  for (char c : value) {
    if (!IsIdChar(c)) return InvalidField(kField, "only [A-Za-z0-9._:-] allowed");
  }
  return absl::OkStatus();
}

google::protobuf::Duration ToProto(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

// Where one histogram row ("H", keys.h) of a node is in the query's copy of the rows' bytes.
struct HistogramRow {
  int node;
  size_t offset;
  size_t size;
};

// A dimension value's counters over the report's stored periods: the flow and stock rows added
// up, and each stored period's histogram rows as bytes. Histograms are not added up into rows:
// only their p90s are needed, found in one merged pass over the encodings (FindP90Bins), which
// is what keeps a grouped report over hundreds of values × 13 nodes cheap.
struct Counters {
  CounterRow flows;
  CounterRow stock;
  std::vector<HistogramRow> histograms;
};

// The histogram bins holding the p90 of a node's latest-visit and cumulative samples, -1 where
// there is none.
struct P90Bins {
  int latest = -1;
  int cumulative = -1;
};

// The p90 sample of n is the ceil(0.9 n)-th smallest.
int64_t P90Rank(int64_t samples) { return (9 * samples + 9) / 10; }

// Walks the sum of a node's histogram rows `rows` (one per stored period, so at most 7) in slot
// order, i.e. bin order within each kind, merging the encodings as it goes; the p90 bin of a
// kind is the one where the running count of that kind first reaches P90Rank of its number of
// samples (from the flow row: the histogram holds one bin per sample). DATA_LOSS for bytes that
// are not an encoding.
absl::StatusOr<P90Bins> FindP90Bins(absl::Span<const absl::string_view> rows,
                                    int64_t latest_samples, int64_t cumulative_samples) {
  P90Bins bins;
  const int64_t latest_rank = P90Rank(latest_samples);
  const int64_t cumulative_rank = P90Rank(cumulative_samples);
  int64_t latest_seen = 0;
  int64_t cumulative_seen = 0;
  absl::InlinedVector<CounterRowCursor, 7> cursors;  // the rows not read to their end
  for (absl::string_view bytes : rows) {
    CounterRowCursor cursor(bytes);
    if (cursor.Next()) {
      cursors.push_back(cursor);
    } else {
      RETURN_IF_ERROR(cursor.status());
    }
  }
  const bool want_latest = latest_samples > 0;
  const bool want_cumulative = cumulative_samples > 0;
  while (!cursors.empty() &&
         ((want_latest && bins.latest < 0) || (want_cumulative && bins.cumulative < 0))) {
    uint32_t slot = cursors.front().slot();
    for (const CounterRowCursor& cursor : cursors) slot = std::min(slot, cursor.slot());
    int64_t count = 0;
    for (size_t i = 0; i < cursors.size();) {
      if (cursors[i].slot() != slot) {
        ++i;
        continue;
      }
      count += cursors[i].value();
      if (cursors[i].Next()) {
        ++i;
        continue;
      }
      RETURN_IF_ERROR(cursors[i].status());
      cursors.erase(cursors.begin() + i);
    }
    const int bin = static_cast<int>(SubOf(slot));
    if (KindOf(slot) == SlotKind::kLatestHist && want_latest && bins.latest < 0) {
      latest_seen += count;
      if (latest_seen >= latest_rank) bins.latest = bin;
    } else if (KindOf(slot) == SlotKind::kCumulativeHist && want_cumulative &&
               bins.cumulative < 0) {
      cumulative_seen += count;
      if (cumulative_seen >= cumulative_rank) bins.cumulative = bin;
    }
  }
  return bins;
}

void FillTimeInStage(const CounterRow& flows, int node, SlotKind count_kind, SlotKind sum_kind,
                     int p90_bin, v1::TimeInStage& out) {
  const int64_t count = flows.Get(Slot(count_kind, node));
  out.set_samples(count);
  if (count <= 0) return;
  *out.mutable_average() = ToProto(absl::Seconds(flows.Get(Slot(sum_kind, node))) / count);
  if (p90_bin >= 0) *out.mutable_p90() = ToProto(absl::Seconds(HistogramBinMiddle(p90_bin)));
}

template <typename Figures>
absl::Status FillNode(const Counters& counters, absl::string_view histogram_bytes, int node,
                      Figures& figures) {
  const CounterRow& flows = counters.flows;
  figures.set_entries(flows.Get(Slot(SlotKind::kEntries, node)));
  figures.set_cohort(flows.Get(Slot(SlotKind::kCohort, node)));
  figures.set_occupancy(counters.stock.Get(Slot(SlotKind::kOccupancy, node)));
  absl::InlinedVector<absl::string_view, 7> rows;
  for (const HistogramRow& row : counters.histograms) {
    if (row.node == node) rows.push_back(histogram_bytes.substr(row.offset, row.size));
  }
  ASSIGN_OR_RETURN(const P90Bins bins,
                   FindP90Bins(rows, flows.Get(Slot(SlotKind::kLatestCount, node)),
                               flows.Get(Slot(SlotKind::kCumulativeCount, node))));
  FillTimeInStage(flows, node, SlotKind::kLatestCount, SlotKind::kLatestSum, bins.latest,
                  *figures.mutable_latest_visit());
  FillTimeInStage(flows, node, SlotKind::kCumulativeCount, SlotKind::kCumulativeSum,
                  bins.cumulative, *figures.mutable_cumulative());
  return absl::OkStatus();
}

void SetNode(int node, v1::FunnelNode& out) {
  if (node < kFirstStepNode) {
    out.set_stage(static_cast<leads_v1::LeadStage>(node + 1));
  } else {
    out.set_step(static_cast<leads_v1::SalesStep>(node - 6));
  }
}

// Minor units × percent → minor units, rounded half-even.
int64_t PercentOf(int64_t units_times_percent) {
  int64_t quotient = units_times_percent / 100;
  int64_t remainder = units_times_percent % 100;
  if (remainder < 0) {
    remainder += 100;
    --quotient;
  }
  if (remainder > 50 || (remainder == 50 && quotient % 2 != 0)) ++quotient;
  return quotient;
}

// `histogram_bytes` holds the rows that counters.histograms point into.
absl::Status BuildRow(int dimension, absl::string_view value, const Counters& counters,
                      absl::string_view histogram_bytes, v1::FunnelRow& row) {
  const CounterRow& flows = counters.flows;
  const CounterRow& stock = counters.stock;
  row.set_dimension(static_cast<v1::FunnelDimension>(dimension));
  row.set_value(std::string(value));
  for (int stage = leads_v1::LeadStage_MIN + 1; stage <= leads_v1::LeadStage_MAX; ++stage) {
    v1::StageFigures& figures = *row.add_stages();
    figures.set_stage(static_cast<leads_v1::LeadStage>(stage));
    RETURN_IF_ERROR(FillNode(counters, histogram_bytes, StageNode(figures.stage()), figures));
  }
  for (int step = leads_v1::SalesStep_MIN + 1; step <= leads_v1::SalesStep_MAX; ++step) {
    v1::StepFigures& figures = *row.add_steps();
    figures.set_step(static_cast<leads_v1::SalesStep>(step));
    RETURN_IF_ERROR(FillNode(counters, histogram_bytes, StepNode(figures.step()), figures));
  }
  for (int from = 0; from < kNodeCount; ++from) {
    for (int to = 0; to < kNodeCount; ++to) {
      if (!IsConversionPair(from, to)) continue;
      v1::Conversion& conversion = *row.add_conversions();
      SetNode(from, *conversion.mutable_from());
      SetNode(to, *conversion.mutable_to());
      conversion.set_entered(flows.Get(Slot(SlotKind::kCohort, from)));
      conversion.set_reached(flows.Get(Slot(SlotKind::kReached, from * 16 + to)));
      if (conversion.entered() > 0) {
        conversion.set_rate(static_cast<double>(conversion.reached()) / conversion.entered());
      }
    }
  }
  row.set_won(flows.Get(Slot(SlotKind::kEntries, kWonNode)));
  row.set_lost(flows.Get(Slot(SlotKind::kEntries, StageNode(leads_v1::LEAD_STAGE_LOST))));
  if (row.won() + row.lost() > 0) {
    row.set_win_rate(static_cast<double>(row.won()) / (row.won() + row.lost()));
  }
  const int64_t cycles = flows.Get(Slot(SlotKind::kCycleCount));
  if (cycles > 0) {
    *row.mutable_average_sales_cycle() =
        ToProto(absl::Seconds(flows.Get(Slot(SlotKind::kCycleSum))) / cycles);
  }
  for (const auto& [slot, units] : stock.slots()) {
    if (KindOf(slot) != SlotKind::kPipeline) continue;
    const std::string currency = CurrencyName(SubOf(slot));
    common::v1::Money& pipeline = *row.add_pipeline_value();
    pipeline.set_units(units);
    pipeline.set_currency(currency);
    common::v1::Money& weighted = *row.add_weighted_pipeline();
    weighted.set_units(PercentOf(stock.Get(Slot(SlotKind::kWeighted, SubOf(slot)))));
    weighted.set_currency(currency);
  }
  row.set_overdue_now(stock.Get(Slot(SlotKind::kOverdueNow)));
  row.set_overdue_events(flows.Get(Slot(SlotKind::kOverdueEvents)));
  return absl::OkStatus();
}

// Calls `decode(rest of the key after prefix, value)` for every row under `prefix`; stops at the
// first error and returns it.
absl::Status ScanRows(
    projection::ProjectionStore& store, const std::string& prefix,
    const std::function<absl::Status(absl::string_view rest, absl::string_view bytes)>& decode) {
  absl::Status decoded;
  RETURN_IF_ERROR(store.Scan(prefix, [&](absl::string_view key, absl::string_view bytes) {
    decoded = decode(key.substr(prefix.size()), bytes);
    return decoded.ok();
  }));
  return decoded;
}

}  // namespace

absl::Status ValidateGetFunnelRequest(const v1::GetFunnelRequest& request) {
  if (request.granularity() == v1::PERIOD_GRANULARITY_UNSPECIFIED ||
      !v1::PeriodGranularity_IsValid(request.granularity())) {
    return InvalidField("granularity", "required: DAY, WEEK, MONTH, QUARTER or YEAR");
  }
  if (!request.has_period_at()) return InvalidField("period_at", "required");
  const google::protobuf::Timestamp& at = request.period_at();
  if (at.seconds() < kMinSeconds || at.seconds() > kMaxSeconds || at.nanos() < 0 ||
      at.nanos() >= 1000000000) {
    return InvalidField("period_at", "not a valid timestamp");
  }
  if (request.has_filter()) {
    if (request.has_group_by()) return InvalidField("group_by", "not allowed with filter");
    RETURN_IF_ERROR(ValidateDimension(request.filter().dimension(), "filter.dimension"));
    RETURN_IF_ERROR(ValidateFilterValue(request.filter().dimension(), request.filter().value()));
  }
  if (request.has_group_by()) RETURN_IF_ERROR(ValidateDimension(request.group_by(), "group_by"));
  return absl::OkStatus();
}

absl::StatusOr<v1::FunnelReport> FunnelQuery::GetFunnel(const v1::GetFunnelRequest& request) const {
  RETURN_IF_ERROR(ValidateGetFunnelRequest(request));
  const v1::PeriodGranularity granularity = request.granularity();
  const int64_t period =
      PeriodIndexOf(granularity, absl::FromUnixSeconds(request.period_at().seconds()));
  v1::FunnelReport report;
  *report.mutable_period() = DescribePeriod(granularity, period);

  const int dimension = request.has_group_by()
                            ? request.group_by()
                            : (request.has_filter() ? request.filter().dimension() : kAllDimension);
  // Flow and histogram cells are stored per DAY, MONTH and YEAR only; a WEEK or QUARTER adds up
  // its days or months (keys.h). A filtered (or whole-organisation) report reads its value's rows
  // only: a point lookup per stored period, one for stock, and one short scan of its histogram
  // rows per stored period; a grouped one scans the dimension's rows of each stored period.
  const std::string only = request.has_group_by() ? "" : request.filter().value() + '\0';
  const StoredPeriods stored = StoredPeriodsOf(granularity, period);
  std::map<std::string, Counters> rows;  // by dimension value
  CounterRow decoded;
  auto add_decoded = [&decoded](absl::string_view bytes, CounterRow& sum) -> absl::Status {
    RETURN_IF_ERROR(decoded.Decode(bytes));
    sum.AddSorted(decoded.slots());
    return absl::OkStatus();
  };
  if (!request.has_group_by()) {
    Counters& counters = rows[request.filter().value()];
    for (int64_t p = stored.first; p < stored.first + stored.count; ++p) {
      ASSIGN_OR_RETURN(
          std::optional<std::string> flows,
          store_->Get(CellKey(stored.granularity, p, dimension, request.filter().value())));
      if (flows) RETURN_IF_ERROR(add_decoded(*flows, counters.flows));
    }
    ASSIGN_OR_RETURN(std::optional<std::string> stock,
                     store_->Get(StockKey(dimension, request.filter().value())));
    if (stock) RETURN_IF_ERROR(counters.stock.Decode(*stock));
  } else {
    for (int64_t p = stored.first; p < stored.first + stored.count; ++p) {
      RETURN_IF_ERROR(ScanRows(*store_, CellPrefix(stored.granularity, p, dimension),
                               [&](absl::string_view value, absl::string_view bytes) {
                                 return add_decoded(bytes, rows[std::string(value)].flows);
                               }));
    }
    RETURN_IF_ERROR(ScanRows(*store_, StockPrefix(dimension),
                             [&](absl::string_view value, absl::string_view bytes) {
                               return rows[std::string(value)].stock.Decode(bytes);
                             }));
  }
  // The histogram rows are kept as bytes (a copy: the store's views end with the scan step).
  std::string histogram_bytes;
  for (int64_t p = stored.first; p < stored.first + stored.count; ++p) {
    // A scan is value-major: the value's entry is looked up once per value, not once per row.
    auto current = rows.end();
    RETURN_IF_ERROR(ScanRows(
        *store_, HistogramPrefix(stored.granularity, p, dimension) + only,
        [&](absl::string_view rest, absl::string_view bytes) {
          // The key's rest is <value> 0 <node> (or just <node> under a one-value prefix).
          const int node = rest.empty() ? kNodeCount : static_cast<uint8_t>(rest.back());
          rest.remove_suffix(rest.empty() ? 0 : 1);
          if (node >= kNodeCount ||
              (request.has_group_by() && !absl::ConsumeSuffix(&rest, absl::string_view("\0", 1)))) {
            return absl::DataLossError("funnel: bad histogram key");
          }
          const absl::string_view value =
              request.has_group_by() ? rest : absl::string_view(request.filter().value());
          if (current == rows.end() || current->first != value) {
            current = rows.try_emplace(std::string(value)).first;
          }
          current->second.histograms.push_back({node, histogram_bytes.size(), bytes.size()});
          histogram_bytes.append(bytes.data(), bytes.size());
          return absl::OkStatus();
        }));
  }
  for (const auto& [value, counters] : rows) {
    RETURN_IF_ERROR(BuildRow(dimension, value, counters, histogram_bytes, *report.add_rows()));
  }
  return report;
}

}  // namespace sales::funnel
