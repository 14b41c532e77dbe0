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
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/money/rounding.h"
#include "common/projection/counter_row.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/projections/funnel/model/keys.h"

namespace sales::funnel {
namespace {

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

struct DurationParts {
  int64_t seconds;
  int32_t nanos;
};

DurationParts PartsOf(absl::Duration d) {
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  return {seconds, static_cast<int32_t>(absl::ToInt64Nanoseconds(d))};
}

void SetDuration(DurationParts parts, google::protobuf::Duration& out) {
  out.set_seconds(parts.seconds);
  out.set_nanos(parts.nanos);
}

// absl::Seconds(sum_seconds) / count (count > 0) truncated to the nanosecond, as a proto. For a
// sum ≥ 0 (every real one) in integers, which is the same: absl divides in quarter nanoseconds,
// truncating, and floor(floor(x) / 4) = floor(x / 4).
void SetMean(int64_t sum_seconds, int64_t count, google::protobuf::Duration& out) {
  if (sum_seconds < 0) return SetDuration(PartsOf(absl::Seconds(sum_seconds) / count), out);
  const auto nanos = static_cast<__int128>(sum_seconds % count) * 1000000000 / count;
  SetDuration({sum_seconds / count, static_cast<int32_t>(nanos)}, out);
}

// The p90 reported for a histogram bin (0 ≤ bin < kHistogramBins): its middle
// (HistogramBinMiddle), computed once per bin.
DurationParts P90Of(int bin) {
  static const auto* const middles = [] {
    auto* all = new std::vector<DurationParts>();
    for (int b = 0; b < kHistogramBins; ++b) {
      all->push_back(PartsOf(absl::Seconds(HistogramBinMiddle(b))));
    }
    return all;
  }();
  return (*middles)[bin];
}

// The p90 sample of n is the ceil(0.9 n)-th smallest.
int64_t P90Rank(int64_t samples) { return (9 * samples + 9) / 10; }

// Finds the histogram bin holding the p90 of one node's samples of one kind: fed the node's bin
// counts in bin order, it is the bin where the running count first reaches P90Rank of the
// number of samples (from the flow counters: the histogram holds one bin per sample).
class P90Bin {
 public:
  void Add(int bin, int64_t count, int64_t samples) {
    if (bin_ >= 0 || samples <= 0) return;
    seen_ += count;
    if (seen_ >= P90Rank(samples)) bin_ = bin;
  }
  // -1 when there is no sample.
  int bin() const { return bin_; }

 private:
  int64_t seen_ = 0;
  int bin_ = -1;
};

// The flow counters of one dimension value's cells ("C" rows, keys.h) a report reads, summed over
// the report's stored periods (exact, see StoredPeriodsOf), dense by node, with each node's p90
// bins. Fed the summed slots in ascending order (AddCells), so each row is walked once and
// nothing is decoded into rows, merged or looked up figure by figure; and a node's sample counts
// (kinds 4 and 6) are final before its histogram bins (kinds 8 and 9) arrive.
struct CellCounters {
  int64_t entries[kNodeCount] = {};
  int64_t cohort[kNodeCount] = {};
  int64_t latest_count[kNodeCount] = {};
  int64_t latest_sum[kNodeCount] = {};
  int64_t cumulative_count[kNodeCount] = {};
  int64_t cumulative_sum[kNodeCount] = {};
  int64_t reached[kNodeCount][kNodeCount] = {};  // [from][to]
  P90Bin latest_p90[kNodeCount];
  P90Bin cumulative_p90[kNodeCount];
  int64_t cycle_count = 0;
  int64_t cycle_sum = 0;
  int64_t overdue_events = 0;
  bool any = false;  // a slot with a non-zero sum was added

  // Slots no figure reads are skipped.
  void Add(uint32_t slot, int64_t value) {
    any = any || value != 0;
    const uint32_t sub = SubOf(slot);
    const bool node = sub < kNodeCount;
    const uint32_t hist_node = sub / kHistogramBins;
    const int bin = static_cast<int>(sub % kHistogramBins);
    switch (KindOf(slot)) {
      case SlotKind::kEntries:
        if (node) entries[sub] += value;
        break;
      case SlotKind::kCohort:
        if (node) cohort[sub] += value;
        break;
      case SlotKind::kReached:
        if (sub / 16 < kNodeCount && sub % 16 < kNodeCount) reached[sub / 16][sub % 16] += value;
        break;
      case SlotKind::kLatestCount:
        if (node) latest_count[sub] += value;
        break;
      case SlotKind::kLatestSum:
        if (node) latest_sum[sub] += value;
        break;
      case SlotKind::kCumulativeCount:
        if (node) cumulative_count[sub] += value;
        break;
      case SlotKind::kCumulativeSum:
        if (node) cumulative_sum[sub] += value;
        break;
      case SlotKind::kLatestHist:
        if (hist_node < kNodeCount) {
          latest_p90[hist_node].Add(bin, value, latest_count[hist_node]);
        }
        break;
      case SlotKind::kCumulativeHist:
        if (hist_node < kNodeCount) {
          cumulative_p90[hist_node].Add(bin, value, cumulative_count[hist_node]);
        }
        break;
      case SlotKind::kCycleCount:
        if (sub == 0) cycle_count += value;
        break;
      case SlotKind::kCycleSum:
        if (sub == 0) cycle_sum += value;
        break;
      case SlotKind::kOverdueEvents:
        if (sub == 0) overdue_events += value;
        break;
      default:
        break;
    }
  }
};

// Turns a cell row's slots (CellSlot, keys.h), fed in ascending order, into flow slots under one
// attribution for `counters`: at event time, the at-time slots alone; current, each at-time slot
// plus the correction beside it (adjacent in slot order), summed before the counters see it.
class AttributedSlots {
 public:
  AttributedSlots(v1::FunnelAttribution attribution, CellCounters& counters)
      : current_(attribution == v1::FUNNEL_ATTRIBUTION_CURRENT), counters_(counters) {}

  void Add(uint32_t cell_slot, int64_t value) {
    if (!current_ && CellKindOf(cell_slot) == CellKind::kCurrentCorrection) return;
    const uint32_t flow_slot = FlowSlotOf(cell_slot);
    if (pending_ && flow_slot == flow_slot_) {
      sum_ += value;
      return;
    }
    Finish();
    pending_ = true;
    flow_slot_ = flow_slot;
    sum_ = value;
  }
  // Passes on the last slot's sum.
  void Finish() {
    if (pending_) counters_.Add(flow_slot_, sum_);
    pending_ = false;
  }

 private:
  const bool current_;
  CellCounters& counters_;
  bool pending_ = false;
  uint32_t flow_slot_ = 0;
  int64_t sum_ = 0;
};

// Feeds `counters` the sum of a value's cell rows `rows` (one per stored period, so at most 7)
// under `attribution`, in slot order, merging the encodings as it goes. DATA_LOSS for bytes that
// are not an encoding.
absl::Status AddCells(absl::Span<const std::string> rows, v1::FunnelAttribution attribution,
                      CellCounters& counters) {
  AttributedSlots slots(attribution, counters);
  if (rows.size() == 1) {  // a DAY, MONTH or YEAR report: nothing to merge
    CounterRowCursor cursor(rows.front());
    while (cursor.Next()) slots.Add(cursor.slot(), cursor.value());
    slots.Finish();
    return cursor.status();
  }
  absl::InlinedVector<CounterRowCursor, 7> cursors;  // the rows not read to their end
  for (const std::string& bytes : rows) {
    CounterRowCursor cursor(bytes);
    if (cursor.Next()) {
      cursors.push_back(cursor);
    } else {
      RETURN_IF_ERROR(cursor.status());
    }
  }
  while (!cursors.empty()) {
    uint32_t slot = cursors.front().slot();
    for (const CounterRowCursor& cursor : cursors) slot = std::min(slot, cursor.slot());
    int64_t sum = 0;
    for (size_t i = 0; i < cursors.size();) {
      if (cursors[i].slot() != slot) {
        ++i;
        continue;
      }
      sum += cursors[i].value();
      if (cursors[i].Next()) {
        ++i;
        continue;
      }
      RETURN_IF_ERROR(cursors[i].status());
      cursors.erase(cursors.begin() + i);
    }
    slots.Add(slot, sum);
  }
  slots.Finish();
  return absl::OkStatus();
}

// A dimension value's rows as read: its cell row of each stored period that has one (copies:
// the store's views end with the scan step) and its stock row, decoded.
struct ValueRows {
  std::vector<std::string> cells;
  CounterRow stock;
};

void FillTimeInStage(int64_t count, int64_t sum_seconds, int p90_bin, v1::TimeInStage& out) {
  out.set_samples(count);
  if (count <= 0) return;
  SetMean(sum_seconds, count, *out.mutable_average());
  if (p90_bin >= 0) SetDuration(P90Of(p90_bin), *out.mutable_p90());
}

template <typename Figures>
void FillNode(const CellCounters& flows, const CounterRow& stock, int node, Figures& figures) {
  figures.set_entries(flows.entries[node]);
  figures.set_cohort(flows.cohort[node]);
  figures.set_occupancy(stock.Get(Slot(SlotKind::kOccupancy, node)));
  FillTimeInStage(flows.latest_count[node], flows.latest_sum[node], flows.latest_p90[node].bin(),
                  *figures.mutable_latest_visit());
  FillTimeInStage(flows.cumulative_count[node], flows.cumulative_sum[node],
                  flows.cumulative_p90[node].bin(), *figures.mutable_cumulative());
}

void SetNode(int node, v1::FunnelNode& out) {
  if (node < kFirstStepNode) {
    out.set_stage(static_cast<leads_v1::LeadStage>(node + 1));
  } else {
    out.set_step(static_cast<leads_v1::SalesStep>(node - 6));
  }
}

// The (from, to) node pairs of a row's conversions, in report order.
const std::vector<std::pair<int, int>>& ConversionPairs() {
  static const auto* const pairs = [] {
    auto* all = new std::vector<std::pair<int, int>>();
    for (int from = 0; from < kNodeCount; ++from) {
      for (int to = 0; to < kNodeCount; ++to) {
        if (IsConversionPair(from, to)) all->emplace_back(from, to);
      }
    }
    return all;
  }();
  return *pairs;
}

// `row` is empty and may live on an Arena (then everything added to it does too).
void BuildRow(int dimension, absl::string_view value, const CellCounters& flows,
              const CounterRow& stock, v1::FunnelRow& row) {
  row.set_dimension(static_cast<v1::FunnelDimension>(dimension));
  row.set_value(value.data(), value.size());
  row.mutable_stages()->Reserve(leads_v1::LeadStage_MAX);
  for (int stage = leads_v1::LeadStage_MIN + 1; stage <= leads_v1::LeadStage_MAX; ++stage) {
    v1::StageFigures& figures = *row.add_stages();
    figures.set_stage(static_cast<leads_v1::LeadStage>(stage));
    FillNode(flows, stock, StageNode(figures.stage()), figures);
  }
  row.mutable_steps()->Reserve(leads_v1::SalesStep_MAX);
  for (int step = leads_v1::SalesStep_MIN + 1; step <= leads_v1::SalesStep_MAX; ++step) {
    v1::StepFigures& figures = *row.add_steps();
    figures.set_step(static_cast<leads_v1::SalesStep>(step));
    FillNode(flows, stock, StepNode(figures.step()), figures);
  }
  row.mutable_conversions()->Reserve(static_cast<int>(ConversionPairs().size()));
  for (const auto& [from, to] : ConversionPairs()) {
    v1::Conversion& conversion = *row.add_conversions();
    SetNode(from, *conversion.mutable_from());
    SetNode(to, *conversion.mutable_to());
    conversion.set_entered(flows.cohort[from]);
    conversion.set_reached(flows.reached[from][to]);
    if (conversion.entered() > 0) {
      conversion.set_rate(static_cast<double>(conversion.reached()) /
                          static_cast<double>(conversion.entered()));
    }
  }
  row.set_won(flows.entries[kWonNode]);
  row.set_lost(flows.entries[StageNode(leads_v1::LEAD_STAGE_LOST)]);
  if (row.won() + row.lost() > 0) {
    row.set_win_rate(static_cast<double>(row.won()) / static_cast<double>(row.won() + row.lost()));
  }
  if (flows.cycle_count > 0) {
    SetMean(flows.cycle_sum, flows.cycle_count, *row.mutable_average_sales_cycle());
  }
  for (const auto& [slot, units] : stock.slots()) {
    if (KindOf(slot) != SlotKind::kPipeline) continue;
    const std::string currency = CurrencyName(SubOf(slot));
    common::v1::Money& pipeline = *row.add_pipeline_value();
    pipeline.set_units(units);
    pipeline.set_currency(currency);
    common::v1::Money& weighted = *row.add_weighted_pipeline();
    weighted.set_units(
        money::DivideHalfEven(stock.Get(Slot(SlotKind::kWeighted, SubOf(slot))), 100));
    weighted.set_currency(currency);
  }
  row.set_overdue_now(stock.Get(Slot(SlotKind::kOverdueNow)));
  row.set_overdue_events(flows.overdue_events);
}

// Calls `decode(rest of the key after prefix, value)` for every row under `prefix`; stops at the
// first error and returns it.
absl::Status ScanRows(
    projection::ProjectionStore& store, const std::string& prefix,
    const std::function<absl::Status(absl::string_view rest, absl::string_view bytes)>& decode) {
  absl::Status decoded;
  RETURN_IF_ERROR(projection::ScanCounterRows(store, prefix,
                                              [&](absl::string_view key, absl::string_view bytes) {
                                                decoded = decode(key.substr(prefix.size()), bytes);
                                                return decoded.ok();
                                              }));
  return decoded;
}

}  // namespace

absl::Status ValidateGetFunnelRequest(const v1::GetFunnelRequest& request) {
  RETURN_IF_ERROR(periods::ValidatePeriodRequest(periods::PeriodRequestOf(request)));
  if (request.has_filter()) {
    if (request.has_group_by()) return InvalidField("group_by", "not allowed with filter");
    RETURN_IF_ERROR(ValidateDimension(request.filter().dimension(), "filter.dimension"));
    RETURN_IF_ERROR(ValidateFilterValue(request.filter().dimension(), request.filter().value()));
  }
  if (request.has_group_by()) RETURN_IF_ERROR(ValidateDimension(request.group_by(), "group_by"));
  if (!v1::FunnelAttribution_IsValid(request.attribution())) {
    return InvalidField("attribution", "must be CURRENT or AT_EVENT_TIME");
  }
  return absl::OkStatus();
}

google::protobuf::ArenaOptions ReportArenaOptions() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 4 << 10;
  options.max_block_size = 1 << 20;
  return options;
}

absl::Status FunnelQuery::GetFunnel(const v1::GetFunnelRequest& request,
                                    v1::FunnelReport& report) const {
  report.Clear();
  RETURN_IF_ERROR(ValidateGetFunnelRequest(request));
  const periods::ResolvedPeriod period = periods::ResolvePeriod(periods::PeriodRequestOf(request));
  *report.mutable_period() = period.period;
  const std::vector<StoredPeriods> runs = periods::StoredRunsOf(period);

  const int dimension = request.has_group_by()
                            ? request.group_by()
                            : (request.has_filter() ? request.filter().dimension() : kAllDimension);
  // funnel.proto, "Attribution": the flows under the leads' current values by default.
  const v1::FunnelAttribution attribution =
      request.attribution() == v1::FUNNEL_ATTRIBUTION_UNSPECIFIED ? v1::FUNNEL_ATTRIBUTION_CURRENT
                                                                  : request.attribution();
  report.set_attribution(attribution);
  // Cells are stored per DAY, MONTH and YEAR only; a WEEK or QUARTER adds up its days or months,
  // a relative period its days and whole months (keys.h). A filtered (or whole-organisation)
  // report reads its value's rows only: a point lookup per stored period and one for stock; a
  // grouped one scans the dimension's rows of each stored period and its stock rows.
  std::map<std::string, ValueRows> rows;  // by dimension value
  if (!request.has_group_by()) {
    ValueRows& value_rows = rows[request.filter().value()];
    for (const StoredPeriods& stored : runs) {
      for (int64_t p = stored.first; p < stored.first + stored.count; ++p) {
        ASSIGN_OR_RETURN(
            std::optional<std::string> cell,
            store_->Get(CellKey(stored.granularity, p, dimension, request.filter().value())));
        if (cell) value_rows.cells.push_back(*std::move(cell));
      }
    }
    ASSIGN_OR_RETURN(std::optional<std::string> stock,
                     store_->Get(StockKey(dimension, request.filter().value())));
    if (stock) RETURN_IF_ERROR(value_rows.stock.Decode(*stock));
  } else {
    for (const StoredPeriods& stored : runs) {
      for (int64_t p = stored.first; p < stored.first + stored.count; ++p) {
        // A scan is value-major: the value's entry is looked up once per value, not per row.
        auto current = rows.end();
        RETURN_IF_ERROR(ScanRows(*store_, CellPrefix(stored.granularity, p, dimension),
                                 [&](absl::string_view value, absl::string_view bytes) {
                                   if (current == rows.end() || current->first != value) {
                                     current = rows.try_emplace(std::string(value)).first;
                                   }
                                   current->second.cells.emplace_back(bytes.data(), bytes.size());
                                   return absl::OkStatus();
                                 }));
      }
    }
    RETURN_IF_ERROR(ScanRows(*store_, StockPrefix(dimension),
                             [&](absl::string_view value, absl::string_view bytes) {
                               return rows[std::string(value)].stock.Decode(bytes);
                             }));
  }
  report.mutable_rows()->Reserve(static_cast<int>(rows.size()));
  for (const auto& [value, value_rows] : rows) {
    CellCounters counters;
    RETURN_IF_ERROR(AddCells(value_rows.cells, attribution, counters));
    // A value whose flows all moved to other values (current attribution) and that holds no
    // stock has nothing to show.
    if (request.has_group_by() && !counters.any && value_rows.stock.empty()) continue;
    BuildRow(dimension, value, counters, value_rows.stock, *report.add_rows());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::FunnelReport> FunnelQuery::GetFunnel(const v1::GetFunnelRequest& request) const {
  v1::FunnelReport report;
  RETURN_IF_ERROR(GetFunnel(request, report));
  return report;
}

}  // namespace sales::funnel
