#include "services/incentives/ledger_process/ledger_process.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "common/log/log.h"
#include "common/log/rate_limiter.h"
#include "common/status/status_macros.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"

namespace sales::incentives {
namespace {

namespace orders_v1 = ::sales::orders::v1;
namespace leads_v1 = ::sales::leads::v1;

// The orders context's order streams (its other streams, customers and stock, say nothing the
// ledger needs), and the leads context's lead streams.
constexpr absl::string_view kOrderStreamPrefix = "order-";
constexpr absl::string_view kLeadStreamPrefix = "lead-";

absl::StatusOr<v1::LedgerOrderFacts> LoadFacts(projection::ProjectionTxn& txn,
                                               const std::string& key) {
  v1::LedgerOrderFacts facts;
  ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(key));
  if (stored.has_value() && !facts.ParseFromString(*stored)) {
    return absl::DataLossError(absl::StrCat("commission-ledger: row ", key, " does not decode"));
  }
  return facts;
}

OrderLineFigures Figures(const v1::LedgerOrderLine& line) {
  return {.line_no = line.line_no(),
          .sku = line.sku(),
          .product_line_id = line.product_line_id(),
          .margin_class = line.margin_class(),
          .quantity = line.quantity(),
          .amount = line.amount()};
}

// The movement of `envelope` on an order with `facts` (as before the event).
OrderMovement MovementOf(MovementKind kind, const projection::EventEnvelope& envelope,
                         const std::string& order_id, const v1::LedgerOrderFacts& facts) {
  const absl::Time at = FromTimestamp(envelope.occurred_at());
  OrderMovement movement{.kind = kind,
                         .cause_event_id = envelope.event_id(),
                         .at = at,
                         .day = BusinessDayOf(at),
                         .order_id = order_id,
                         .deal_id = facts.deal_id(),
                         .rep_id = facts.rep_id(),
                         .first_order_of_customer = facts.first_order_of_customer(),
                         .invoiced = facts.invoiced(),
                         .paid_before = facts.paid()};
  for (const v1::LedgerOrderLine& line : facts.lines()) movement.lines.push_back(Figures(line));
  for (const v1::LedgerOrderLine& line : facts.returned()) {
    movement.returned_before.push_back(Figures(line));
  }
  return movement;
}

const v1::LedgerOrderLine* LineOf(const v1::LedgerOrderFacts& facts, int32_t line_no) {
  for (const v1::LedgerOrderLine& line : facts.lines()) {
    if (line.line_no() == line_no) return &line;
  }
  return nullptr;
}

// Adds a returned part of a line to the per-line sums of `facts`.
void AddReturned(v1::LedgerOrderFacts& facts, const v1::LedgerOrderLine& part) {
  for (v1::LedgerOrderLine& line : *facts.mutable_returned()) {
    if (line.line_no() == part.line_no()) {
      line.set_quantity(line.quantity() + part.quantity());
      line.set_amount(line.amount() + part.amount());
      return;
    }
  }
  *facts.add_returned() = part;
}

CallOrigin OriginOf(const projection::EventEnvelope& event) {
  return {.correlation_id = event.correlation_id(),
          .causation_id = event.event_id(),
          .caused_at = FromTimestamp(event.occurred_at())};
}

}  // namespace

// The batch's ledger commands, in the order of its events, recorded when the batch is written
// (on the runner's committer thread, while the next batch is applied): the process's outcome
// counters and the app are all it shares, and both are thread-safe.
class LedgerCommands final : public projection::BatchAccumulator {
 public:
  explicit LedgerCommands(const LedgerProcess& process) : process_(process) {}

  static LedgerCommands& Of(const LedgerProcess& process, projection::ProjectionTxn& txn) {
    return static_cast<LedgerCommands&>(txn.Accumulator(LedgerProcess::kName, [&process] {
      return std::unique_ptr<projection::BatchAccumulator>(new LedgerCommands(process));
    }));
  }

  void Add(const projection::EventEnvelope& cause,
           std::variant<OrderMovement, ActivityCredit> what) {
    commands_.push_back({.what = std::move(what), .origin = OriginOf(cause)});
    causes_.emplace_back(cause.event_id(), cause.stream_id());
  }

  absl::Status FoldInto(projection::FoldTxn& /*txn: no rows of its own*/) override {
    ASSIGN_OR_RETURN(auto outcomes, process_.app_->RecordLedger(commands_));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      RETURN_IF_ERROR(process_.Settle(causes_[i].first, causes_[i].second, outcomes[i]));
    }
    return absl::OkStatus();
  }

 private:
  const LedgerProcess& process_;
  std::vector<LedgerCommand> commands_;
  std::vector<std::pair<std::string, std::string>> causes_;  // per command: event id, stream id
};

LedgerProcess::LedgerProcess(IncentivesApp* app, metrics::MetricsRegistry* metrics) : app_(app) {
  if (metrics == nullptr) return;
  const char* names[kOutcomes] = {"recorded", "replayed", "ignored", "skipped"};
  for (int i = 0; i < kOutcomes; ++i) {
    counters_[i] = metrics->GetCounter(
        "sales_incentives_ledger_events_total",
        "Order and lead events the commission ledger process handled, by outcome.",
        {{"outcome", names[i]}});
  }
}

absl::Status LedgerProcess::Apply(const projection::EventEnvelope& envelope,
                                  projection::ProjectionTxn& txn) {
  if (absl::StartsWith(envelope.stream_id(), kOrderStreamPrefix)) {
    return ApplyOrderEvent(envelope, txn);
  }
  if (absl::StartsWith(envelope.stream_id(), kLeadStreamPrefix)) {
    return ApplyLeadEvent(envelope, txn);
  }
  return absl::OkStatus();  // customers, stock: nothing for the ledger
}

// Whether an order event of type `full_name` is one the ledger needs (its facts or a movement):
// the others (shipping, delivery, back-orders, overdue) are skipped without being parsed.
static bool LedgerNeeds(absl::string_view full_name) {
  static const auto* const needed =
      new absl::flat_hash_set<std::string>{orders_v1::OrderPlaced::descriptor()->full_name(),
                                           orders_v1::OrderConfirmed::descriptor()->full_name(),
                                           orders_v1::OrderCancelled::descriptor()->full_name(),
                                           orders_v1::OrderInvoiced::descriptor()->full_name(),
                                           orders_v1::PaymentReceived::descriptor()->full_name(),
                                           orders_v1::ReturnAccepted::descriptor()->full_name()};
  return needed->contains(full_name);
}

absl::Status LedgerProcess::ApplyOrderEvent(const projection::EventEnvelope& envelope,
                                            projection::ProjectionTxn& txn) {
  const absl::string_view type_url = envelope.payload().type_url();
  const absl::string_view full_name = type_url.substr(type_url.rfind('/') + 1);
  static const auto* const order_event = new orders_v1::OrderEvent();
  if (!LedgerNeeds(full_name) && eventsourcing::WrapperHolds(*order_event, full_name)) {
    Count(kIgnored);  // a known order event the ledger has no use for
    return absl::OkStatus();
  }
  orders_v1::OrderEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(kName, envelope.payload(), event));
  const std::string order_id = envelope.stream_id().substr(kOrderStreamPrefix.size());
  const std::string key = absl::StrCat("o/", order_id);
  switch (event.event_case()) {
    case orders_v1::OrderEvent::kOrderPlaced:
    case orders_v1::OrderEvent::kOrderConfirmed:
    case orders_v1::OrderEvent::kOrderCancelled:
    case orders_v1::OrderEvent::kOrderInvoiced:
    case orders_v1::OrderEvent::kPaymentReceived:
    case orders_v1::OrderEvent::kReturnAccepted:
      break;
    default:
      Count(kIgnored);
      return absl::OkStatus();  // shipping, delivery, back-orders, overdue: nothing to credit
  }
  ASSIGN_OR_RETURN(v1::LedgerOrderFacts facts, LoadFacts(txn, key));
  std::optional<OrderMovement> movement;
  switch (event.event_case()) {
    case orders_v1::OrderEvent::kOrderPlaced: {
      const orders_v1::OrderPlaced& placed = event.order_placed();
      facts.set_deal_id(placed.deal_id());
      facts.set_rep_id(placed.rep_id());
      facts.set_customer_id(placed.customer_id());
      facts.clear_lines();
      for (const orders_v1::OrderLine& line : placed.lines()) {
        v1::LedgerOrderLine& kept = *facts.add_lines();
        kept.set_line_no(line.line_no());
        kept.set_sku(line.sku());
        kept.set_product_line_id(line.product_line_id());
        kept.set_margin_class(line.margin_class());
        kept.set_quantity(line.quantity());
        kept.set_amount(line.net_amount().units());
      }
      break;
    }
    case orders_v1::OrderEvent::kOrderConfirmed:
      facts.set_confirmed(true);
      facts.set_first_order_of_customer(event.order_confirmed().first_order_of_customer());
      movement = MovementOf(MovementKind::kConfirmed, envelope, order_id, facts);
      break;
    case orders_v1::OrderEvent::kOrderCancelled:
      if (facts.confirmed()) {
        movement = MovementOf(MovementKind::kCancelled, envelope, order_id, facts);
      }
      facts.set_confirmed(false);
      break;
    case orders_v1::OrderEvent::kOrderInvoiced:
      movement = MovementOf(MovementKind::kInvoiced, envelope, order_id, facts);
      facts.set_invoiced(true);
      break;
    case orders_v1::OrderEvent::kPaymentReceived: {
      const int64_t paid = event.payment_received().payment().amount().units();
      movement = MovementOf(MovementKind::kPaid, envelope, order_id, facts);
      movement->payment = paid;
      facts.set_paid(facts.paid() + paid);
      break;
    }
    case orders_v1::OrderEvent::kReturnAccepted: {
      const orders_v1::OrderReturn& order_return = event.return_accepted().order_return();
      movement = MovementOf(MovementKind::kReturned, envelope, order_id, facts);
      movement->refund_due = order_return.refund_due().units();
      for (const orders_v1::ReturnLine& returned : order_return.lines()) {
        const v1::LedgerOrderLine* line = LineOf(facts, returned.line_no());
        if (line == nullptr) continue;  // the orders context refuses returns of unknown lines
        v1::LedgerOrderLine part = *line;
        part.set_quantity(returned.quantity());
        part.set_amount(returned.amount().units());
        movement->returned.push_back(Figures(part));
        AddReturned(facts, part);
      }
      break;
    }
    default:
      break;
  }
  txn.Put(key, facts.SerializeAsString());
  if (movement.has_value()) LedgerCommands::Of(*this, txn).Add(envelope, *std::move(movement));
  return absl::OkStatus();
}

absl::Status LedgerProcess::ApplyLeadEvent(const projection::EventEnvelope& envelope,
                                           projection::ProjectionTxn& txn) {
  leads_v1::LeadEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(kName, envelope.payload(), event));
  const std::string owner_key =
      absl::StrCat("l/", envelope.stream_id().substr(kLeadStreamPrefix.size()));
  if (event.has_lead_assigned()) {
    txn.Put(owner_key, event.lead_assigned().rep_id());  // the lead's owner from now on
    return absl::OkStatus();
  }
  if (!event.has_activity_logged()) return absl::OkStatus();
  const leads_v1::ActivityLogged& activity = event.activity_logged();
  v1::Metric metric = v1::METRIC_UNSPECIFIED;
  if (activity.type() == leads_v1::ACTIVITY_TYPE_VISIT) metric = v1::METRIC_VISITS;
  if (activity.type() == leads_v1::ACTIVITY_TYPE_PROPOSAL_SENT) metric = v1::METRIC_PROPOSALS;
  if (metric == v1::METRIC_UNSPECIFIED) {
    Count(kIgnored);
    return absl::OkStatus();
  }
  // The activity counts for whoever took it, on the day it took place; when that was no rep (an
  // assistant, a system), for the lead's owner then.
  std::string rep = activity.actor().empty() ? envelope.actor() : activity.actor();
  if (!app_->IsRep(rep)) {
    ASSIGN_OR_RETURN(std::optional<std::string> owner, txn.Get(owner_key));
    if (owner.has_value()) rep = *std::move(owner);
  }
  const absl::Time at = activity.has_occurred_at() ? FromTimestamp(activity.occurred_at())
                                                   : FromTimestamp(envelope.occurred_at());
  LedgerCommands::Of(*this, txn)
      .Add(envelope,
           ActivityCredit{
               .cause_event_id = envelope.event_id(), .rep_id = rep, .at = at, .metric = metric});
  return absl::OkStatus();
}

absl::Status LedgerProcess::Settle(const std::string& event_id, const std::string& stream_id,
                                   const absl::StatusOr<LedgerOutcome>& outcome) const {
  if (outcome.ok()) {
    Count(outcome->deduplicated ? kReplayed : kRecorded);
    return absl::OkStatus();
  }
  switch (outcome.status().code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument: {
      Count(kSkipped);
      static auto* limiter = new log::LogRateLimiter(5);
      if (std::optional<uint64_t> suppressed = limiter->Admit()) {
        log::Info("incentives.ledger.skipped", {{"event", event_id},
                                                {"stream", stream_id},
                                                {"reason", outcome.status().ToString()},
                                                {"suppressed_before", *suppressed}});
      }
      return absl::OkStatus();
    }
    default:
      return outcome.status();  // the batch is retried; the commands' idempotency makes it safe
  }
}

void LedgerProcess::Count(Outcome outcome) const {
  if (counters_[outcome] != nullptr) counters_[outcome]->Increment();
}

}  // namespace sales::incentives
