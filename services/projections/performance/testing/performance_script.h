// PerformanceScript: orders-, incentives- and leads-topic events as those services would emit
// them, for the performance read model's tests and benchmarks. Each stream
// gets consecutive versions; every event carries its `at` in the payload and the envelope.
//
//   PerformanceScript script;
//   script.Order("O1", {.customer = "C1", .rep = "R-01", .team = "T-1", .region = "north",
//                       .channel = "ch-web", .lines = {{"P1", 60000}, {"P2", 40000}}}, at);
//   script.Confirm("O1", at, /*first_order_of_customer=*/true);
//   for (const EventEnvelope& event : script.events()) ...
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/projection/projection_store.h"
#include "common/status/status_macros.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "google/protobuf/arena.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "services/projections/performance/model/performance_projection.h"

namespace sales::performance::testing {

namespace orders_v1 = ::sales::orders::v1;
namespace incentives_v1 = ::sales::incentives::v1;
namespace leads_v1 = ::sales::leads::v1;
using ::sales::common::v1::EventEnvelope;

struct ScriptLine {
  std::string product_line;
  int64_t net_amount = 0;  // CNY minor units
};

struct ScriptOrder {
  std::string customer;
  std::string rep;
  std::string team;
  std::string region;
  std::string channel;
  std::vector<ScriptLine> lines;
  std::string deal;  // placed from this won deal; empty: run-rate business
};

struct ScriptLead {
  std::string region;
  std::string product_line;
  std::string channel;
};

class PerformanceScript {
 public:
  void Order(const std::string& order_id, const ScriptOrder& order, absl::Time at) {
    orders_v1::OrderEvent event;
    orders_v1::OrderPlaced& placed = *event.mutable_order_placed();
    placed.set_order_id(order_id);
    placed.set_customer_id(order.customer);
    placed.set_rep_id(order.rep);
    placed.set_team_id(order.team);
    placed.set_region_id(order.region);
    placed.set_channel_id(order.channel);
    placed.set_deal_id(order.deal);
    placed.set_currency("CNY");
    int64_t total = 0;
    for (const ScriptLine& line : order.lines) {
      orders_v1::OrderLine& added = *placed.add_lines();
      added.set_line_no(placed.lines_size());
      added.set_product_line_id(line.product_line);
      SetMoney(*added.mutable_net_amount(), line.net_amount);
      total += line.net_amount;
    }
    SetMoney(*placed.mutable_total(), total);
    *placed.mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Confirm(const std::string& order_id, absl::Time at, bool first_order_of_customer) {
    orders_v1::OrderEvent event;
    event.mutable_order_confirmed()->set_first_order_of_customer(first_order_of_customer);
    *event.mutable_order_confirmed()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Cancel(const std::string& order_id, absl::Time at) {
    orders_v1::OrderEvent event;
    event.mutable_order_cancelled()->set_from(orders_v1::ORDER_STATUS_CONFIRMED);
    *event.mutable_order_cancelled()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Invoice(const std::string& order_id, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_order_invoiced()->mutable_invoice()->mutable_amount(), amount);
    *event.mutable_order_invoiced()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Pay(const std::string& order_id, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_payment_received()->mutable_payment()->mutable_amount(), amount);
    *event.mutable_payment_received()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // The order's invoice passed its due date owing `balance`.
  void Overdue(const std::string& order_id, int64_t balance, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_invoice_overdue()->mutable_balance(), balance);
    *event.mutable_invoice_overdue()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // A return of `amount` of line `line_no`.
  void Return(const std::string& order_id, int line_no, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    orders_v1::OrderReturn& returned = *event.mutable_return_accepted()->mutable_order_return();
    orders_v1::ReturnLine& line = *returned.add_lines();
    line.set_line_no(line_no);
    SetMoney(*line.mutable_amount(), amount);
    SetMoney(*returned.mutable_credit_amount(), amount);
    *event.mutable_return_accepted()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // A target of `node` ("rep:R-01", "company", …) for `period` ("2026-11"), replacing
  // `previous`.
  void Target(const std::string& node, const std::string& period, incentives_v1::Metric metric,
              int64_t value, int64_t previous, absl::Time at,
              const std::string& product_line = "") {
    incentives_v1::TargetsEvent event;
    incentives_v1::TargetSet& set = *event.mutable_target_set();
    set.mutable_target()->set_node_id(node);
    set.mutable_target()->set_period(period);
    set.mutable_target()->set_metric(metric);
    set.mutable_target()->set_product_line_id(product_line);
    set.mutable_target()->set_value(value);
    set.set_previous_value(previous);
    *set.mutable_at() = ToTimestamp(at);
    Add(absl::StrCat("targets-", period.substr(0, 4)), event, at);
  }
  // Ledger lines of `rep` (in `team`, `region`): a revenue credit and one commission line.
  void Credit(const std::string& rep, const std::string& team, const std::string& region,
              int64_t revenue, int64_t commission, absl::Time at,
              const std::string& product_line = "") {
    incentives_v1::LedgerEvent event;
    incentives_v1::LedgerLinesRecorded& recorded = *event.mutable_ledger_lines_recorded();
    recorded.set_cause_event_id(absl::StrCat("cause-", events_.size()));
    recorded.set_team_id(team);
    recorded.set_region_id(region);
    incentives_v1::MetricCredit& credit = *recorded.add_credits();
    credit.set_metric(incentives_v1::METRIC_REVENUE);
    credit.set_amount(revenue);
    credit.set_product_line_id(product_line);
    incentives_v1::LedgerLine& line = *recorded.add_lines();
    line.set_kind(incentives_v1::LINE_KIND_COMMISSION);
    line.set_rep_id(rep);
    SetMoney(*line.mutable_amount(), commission);
    *recorded.mutable_at() = ToTimestamp(at);
    Add(absl::StrCat("ledger-", rep), event, at);
  }

  // ---- Leads ("lead-<id>" streams) ----
  void Capture(const std::string& lead_id, const ScriptLead& lead, absl::Time at) {
    leads_v1::LeadEvent event;
    leads_v1::LeadCaptured& captured = *event.mutable_lead_captured();
    captured.set_lead_id(lead_id);
    captured.set_source(leads_v1::LEAD_SOURCE_REFERRAL);
    captured.set_channel_id(lead.channel);
    captured.mutable_details()->mutable_company()->set_region_id(lead.region);
    captured.mutable_details()->set_product_line_id(lead.product_line);
    *captured.mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  void Assign(const std::string& lead_id, const std::string& rep, const std::string& team,
              absl::Time at) {
    leads_v1::LeadEvent event;
    event.mutable_lead_assigned()->set_rep_id(rep);
    event.mutable_lead_assigned()->set_team_id(team);
    *event.mutable_lead_assigned()->mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  void Stage(const std::string& lead_id, leads_v1::LeadStage to, absl::Time at) {
    leads_v1::LeadEvent event;
    event.mutable_lead_stage_changed()->set_to(to);
    *event.mutable_lead_stage_changed()->mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  // Stage OPPORTUNITY, then the conversion at VISIT with `probability` (and an expected close
  // date when one is given).
  void Convert(const std::string& lead_id, int64_t amount, int32_t probability, absl::Time at,
               std::optional<absl::CivilDay> close_date = std::nullopt) {
    Stage(lead_id, leads_v1::LEAD_STAGE_OPPORTUNITY, at);
    leads_v1::LeadEvent event;
    leads_v1::ConvertedToOpportunity& converted = *event.mutable_converted_to_opportunity();
    converted.set_deal_id(absl::StrCat("D-", lead_id));
    SetMoney(*converted.mutable_amount(), amount);
    converted.set_probability(probability);
    converted.set_step(leads_v1::SALES_STEP_VISIT);
    *converted.mutable_at() = ToTimestamp(at);
    if (close_date.has_value()) *converted.mutable_expected_close_date() = ToDate(*close_date);
    AddLead(lead_id, event, at);
  }
  // The deal's expected close date moved to `close_date` (nullopt: cleared).
  void CloseDate(const std::string& lead_id, std::optional<absl::CivilDay> close_date,
                 absl::Time at) {
    leads_v1::LeadEvent event;
    leads_v1::DealCloseDateChanged& changed = *event.mutable_deal_close_date_changed();
    if (close_date.has_value()) *changed.mutable_expected_close_date() = ToDate(*close_date);
    *changed.mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  void Step(const std::string& lead_id, leads_v1::SalesStep to, int32_t probability,
            absl::Time at) {
    leads_v1::LeadEvent event;
    event.mutable_sales_step_changed()->set_to(to);
    event.mutable_sales_step_changed()->set_default_probability(probability);
    *event.mutable_sales_step_changed()->mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  void OverrideProbability(const std::string& lead_id, int32_t probability, absl::Time at) {
    leads_v1::LeadEvent event;
    event.mutable_deal_probability_overridden()->set_probability(probability);
    AddLead(lead_id, event, at);
  }
  void ChangeAmount(const std::string& lead_id, int64_t amount, absl::Time at) {
    leads_v1::LeadEvent event;
    SetMoney(*event.mutable_deal_amount_changed()->mutable_amount(), amount);
    AddLead(lead_id, event, at);
  }
  void FollowUpOverdue(const std::string& lead_id, absl::Time at) {
    leads_v1::LeadEvent event;
    *event.mutable_follow_up_overdue()->mutable_at() = ToTimestamp(at);
    AddLead(lead_id, event, at);
  }
  void Activity(const std::string& lead_id, absl::Time at) {
    leads_v1::LeadEvent event;
    event.mutable_activity_logged()->set_activity_id(absl::StrCat("A", events_.size()));
    AddLead(lead_id, event, at);
  }

  const std::vector<EventEnvelope>& events() const { return events_; }

 private:
  static std::string OrderStream(const std::string& order_id) {
    return absl::StrCat("order-", order_id);
  }
  static void SetMoney(sales::common::v1::Money& money, int64_t units) {
    money.set_units(units);
    money.set_currency("CNY");
  }
  void AddLead(const std::string& lead_id, const leads_v1::LeadEvent& event, absl::Time at) {
    Add(absl::StrCat("lead-", lead_id), event, at);
  }
  void Add(const std::string& stream, const google::protobuf::Message& wrapper, absl::Time at) {
    EventEnvelope& envelope = events_.emplace_back();
    envelope.set_event_id(absl::StrCat("e-", events_.size()));
    envelope.set_stream_id(stream);
    envelope.set_stream_version(++versions_[stream]);
    *envelope.mutable_occurred_at() = ToTimestamp(at);
    absl::StatusOr<google::protobuf::Any> payload = eventsourcing::PackEvent(wrapper);
    if (payload.ok()) envelope.mutable_payload()->Swap(&*payload);
  }

  std::vector<EventEnvelope> events_;
  std::map<std::string, uint64_t> versions_;
};

// One random order's events from `start` (and its rep's ledger event): 200 reps in 20 teams
// ("T<rep % 20>") and 5 regions, 12 channels, 8 product lines, 5000 customers; 90 % confirmed
// (the customer's first one time in five), of those 6 % cancelled, the rest invoiced, 5 % with a
// return, paid in one or two payments.
inline void AddRandomOrder(std::mt19937_64& rng, int n, absl::Time start,
                           PerformanceScript& script) {
  const int rep = static_cast<int>(rng() % 200);
  const std::string order_id = absl::StrCat("O", n);
  ScriptOrder order{.customer = absl::StrCat("C", rng() % 5000),
                    .rep = absl::StrCat("R", rep),
                    .team = absl::StrCat("T", rep % 20),
                    .region = absl::StrCat("G", rep % 5),
                    .channel = absl::StrCat("CH", rng() % 12)};
  const int lines = 1 + static_cast<int>(rng() % 3);
  int64_t total = 0;
  for (int i = 0; i < lines; ++i) {
    const int64_t amount = 10000 + static_cast<int64_t>(rng() % 500000);
    order.lines.push_back({absl::StrCat("P", rng() % 8), amount});
    total += amount;
  }
  absl::Time at = start;
  const auto later = [&](int max_hours) {
    at += absl::Hours(1 + static_cast<int64_t>(rng() % max_hours));
    return at;
  };
  script.Order(order_id, order, at);
  if (rng() % 10 == 0) return;
  script.Confirm(order_id, later(48), rng() % 5 == 0);
  script.Credit(order.rep, order.team, order.region, total, total / 100, at);
  if (rng() % 100 < 6) {
    script.Cancel(order_id, later(72));
    return;
  }
  script.Invoice(order_id, total, later(240));
  if (rng() % 20 == 0) script.Return(order_id, 1, order.lines[0].net_amount / 2, later(240));
  if (rng() % 2 == 0) {
    script.Pay(order_id, total / 2, later(500));
    script.Pay(order_id, total - total / 2, later(500));
  } else {
    script.Pay(order_id, total, later(700));
  }
}

// One random lead's events from `start`: captured in one of 5 regions, 8 product lines and 12
// channels, assigned to one of 200 reps; 60 % become deals (amount 10,000–1,000,000) that move
// up to four steps, 10 % with an override and 10 % with a changed amount, then half of them are
// won or lost; 15 % of leads fall overdue, and half of those are followed up again.
inline void AddRandomLead(std::mt19937_64& rng, int n, absl::Time start,
                          PerformanceScript& script) {
  const int rep = static_cast<int>(rng() % 200);
  const std::string lead_id = absl::StrCat("L", n);
  absl::Time at = start;
  const auto later = [&](int max_hours) {
    at += absl::Hours(1 + static_cast<int64_t>(rng() % max_hours));
    return at;
  };
  script.Capture(lead_id,
                 {.region = absl::StrCat("G", rep % 5),
                  .product_line = absl::StrCat("P", rng() % 8),
                  .channel = absl::StrCat("CH", rng() % 12)},
                 at);
  script.Assign(lead_id, absl::StrCat("R", rep), absl::StrCat("T", rep % 20), later(24));
  if (rng() % 100 < 15) {
    script.FollowUpOverdue(lead_id, later(96));
    if (rng() % 2 == 0) script.Activity(lead_id, later(48));
  }
  if (rng() % 10 >= 6) return;
  // Half the deals expected to close 1–120 days after conversion, some of those moved later.
  const int64_t amount = 1'000'000 + static_cast<int64_t>(rng() % 99'000'000);
  const absl::Time converted = later(240);
  std::optional<absl::CivilDay> close_date;
  if (rng() % 2 == 0) {
    close_date = BusinessDayOf(converted) + 1 + static_cast<int64_t>(rng() % 120);
  }
  script.Convert(lead_id, amount, 10, converted, close_date);
  if (close_date.has_value() && rng() % 4 == 0) {
    script.CloseDate(lead_id, *close_date + 7 + static_cast<int64_t>(rng() % 60), later(240));
  }
  static constexpr std::pair<leads_v1::SalesStep, int32_t> kSteps[] = {
      {leads_v1::SALES_STEP_NEEDS_ANALYSIS, 20},
      {leads_v1::SALES_STEP_SOLUTION_DESIGN, 40},
      {leads_v1::SALES_STEP_QUOTE, 60},
      {leads_v1::SALES_STEP_NEGOTIATION, 80}};
  const int steps = static_cast<int>(rng() % 5);
  for (int i = 0; i < steps; ++i) {
    script.Step(lead_id, kSteps[i].first, kSteps[i].second, later(240));
  }
  if (rng() % 10 == 0) {
    script.OverrideProbability(lead_id, static_cast<int32_t>(rng() % 101), later(48));
  }
  if (rng() % 10 == 0) {
    script.ChangeAmount(lead_id, 1'000'000 + static_cast<int64_t>(rng() % 9'000'000), later(48));
  }
  if (rng() % 2 == 0) {
    script.Stage(lead_id, rng() % 2 == 0 ? leads_v1::LEAD_STAGE_WON : leads_v1::LEAD_STAGE_LOST,
                 later(480));
  }
}

// Each stream in its own order, streams round-robin (`reverse`: starting from the last stream):
// one interleaving the topics' partitions could deliver.
inline std::vector<const EventEnvelope*> Interleaved(const std::vector<EventEnvelope>& events,
                                                     bool reverse) {
  std::map<std::string, std::vector<const EventEnvelope*>> streams;
  for (const EventEnvelope& event : events) streams[event.stream_id()].push_back(&event);
  std::vector<std::vector<const EventEnvelope*>*> order;
  order.reserve(streams.size());
  for (auto& [id, stream] : streams) order.push_back(&stream);
  if (reverse) std::reverse(order.begin(), order.end());
  std::vector<const EventEnvelope*> out;
  for (size_t i = 0; out.size() < events.size(); ++i) {
    for (const auto* stream : order) {
      if (i < stream->size()) out.push_back((*stream)[i]);
    }
  }
  return out;
}

// How ApplyInBatches hands the events to the projection: to Apply, which decodes each payload
// itself, or decoded ahead by DecodePayload to ApplyDecoded, as a Kafka-mode runner does.
enum class PayloadDecoding { kInApply, kAhead };

// Applies `events` through a PerformanceProjection in the order given, a commit every `batch`
// events; the first error stops it. `decoded_ahead` (when set) counts the events applied through
// ApplyDecoded.
inline absl::Status ApplyInBatches(const std::vector<const EventEnvelope*>& events, int batch,
                                   projection::ProjectionStore& store,
                                   PayloadDecoding decoding = PayloadDecoding::kInApply,
                                   size_t* decoded_ahead = nullptr) {
  PerformanceProjection projection;
  projection::StoreBatch txn = store.NewBatch();
  google::protobuf::Arena arena;  // one per batch, as a runner's chunk has one
  int applied = 0;
  for (const EventEnvelope* event : events) {
    const google::protobuf::Message* payload =
        decoding == PayloadDecoding::kAhead ? projection.DecodePayload(*event, arena) : nullptr;
    RETURN_IF_ERROR(payload != nullptr ? projection.ApplyDecoded(*event, *payload, txn.txn())
                                       : projection.Apply(*event, txn.txn()));
    if (payload != nullptr && decoded_ahead != nullptr) ++*decoded_ahead;
    if (++applied % batch == 0) {
      RETURN_IF_ERROR(store.Commit(txn));
      static_cast<void>(arena.Reset());  // the payloads of the batch committed
    }
  }
  return store.Commit(txn);
}

// The read model's checksums after `events` are applied every way a runner may apply them: in
// both interleavings (Interleaved), in batches of each of `batch_sizes`, with the payloads
// decoded in Apply and ahead — one checksum per way, in that order, or the first error. Every
// event must be one the projection decodes ahead (of an order, lead, targets or ledger stream):
// INTERNAL otherwise, so that a DecodePayload that declines cannot pass for one that works.
inline absl::StatusOr<std::vector<std::string>> ChecksumsOfEveryWay(
    const std::vector<EventEnvelope>& events, std::initializer_list<int> batch_sizes) {
  std::vector<std::string> checksums;
  for (const bool reverse : {false, true}) {
    for (const int batch : batch_sizes) {
      for (const PayloadDecoding decoding : {PayloadDecoding::kInApply, PayloadDecoding::kAhead}) {
        const ::sales::testing::TempDir dir;
        ASSIGN_OR_RETURN(std::unique_ptr<projection::ProjectionStore> store,
                         projection::ProjectionStore::Open(dir.path() + "/performance"));
        size_t decoded_ahead = 0;
        RETURN_IF_ERROR(
            ApplyInBatches(Interleaved(events, reverse), batch, *store, decoding, &decoded_ahead));
        if (decoding == PayloadDecoding::kAhead && decoded_ahead != events.size()) {
          return absl::InternalError(
              absl::StrCat("decoded ahead ", decoded_ahead, " of ", events.size(), " events"));
        }
        ASSIGN_OR_RETURN(checksums.emplace_back(), store->Checksum());
      }
    }
  }
  return checksums;
}

}  // namespace sales::performance::testing

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_
