#include "services/leads/app/leads_app.h"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/periodic_task.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventsourcing/event_codec.h"
#include "common/ids/ids.h"
#include "common/log/log.h"
#include "common/metrics/metrics_registry.h"
#include "common/money/weighted_pipeline.h"
#include "common/projection/own_read_model.h"
#include "common/projection/paged_scan.h"
#include "common/projection/projection_runner.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "sales/leads/v1/events.pb.h"
#include "services/leads/app/open_load_overlay.h"
#include "services/leads/app/read_model.h"
#include "services/leads/domain/follow_up.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/normalize.h"
#include "services/leads/domain/settings.h"
#include "services/leads/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::leads {
namespace {

using eventsourcing::AggregateCache;
using eventsourcing::ClaimStreamId;
using eventsourcing::CommandOptions;
using eventsourcing::CommandOutcome;
using eventsourcing::GeneratedId;
using eventsourcing::LoadedAggregate;
using eventsourcing::OccurredAtOfEvent;
using eventsourcing::OptionsFor;
using eventsourcing::RequestFingerprint;
using eventstore::EventEnvelope;
using google::protobuf::Timestamp;

constexpr absl::string_view kClaimStreamPrefix = "dedupe-key-";
constexpr absl::string_view kDealIdClaimPrefix = "deal-id-";
constexpr absl::string_view kScannerActor = "system:overdue-scanner";
// A capture that lost a race for a dedupe key is decided again (then as a merge).
// The lead aggregates' weight in the budget's caches: a projection store's caches weigh 7.
constexpr double kLeadAggregateCacheWeight = 7;
// Pipeline settings are one stream: a fixed room for its snapshot.
constexpr size_t kSettingsCacheBytes = size_t{1} << 20;
constexpr int kMaxCaptureAttempts = 8;
constexpr absl::Duration kCaptureRetryBackoff = absl::Milliseconds(1);
constexpr size_t kMaxOverduePerScan = 10'000;
// Open-load changes held for the read model beyond which a command drops those it has applied.
constexpr size_t kPendingLoadChangesToPrune = 10'000;
// Reads of the reps' loads one assignment makes at most (see CurrentOpenLoads).
constexpr int kMaxLoadReads = 8;
// How long a command waits for the org replica when it names something the replica lacks.
constexpr absl::Duration kOrgCatchUpTimeout = absl::Seconds(2);
constexpr v1::SalesStep kSteps[] = {v1::SALES_STEP_VISIT,           v1::SALES_STEP_NEEDS_ANALYSIS,
                                    v1::SALES_STEP_SOLUTION_DESIGN, v1::SALES_STEP_QUOTE,
                                    v1::SALES_STEP_NEGOTIATION,     v1::SALES_STEP_SIGNING};

v1::Lead EvolveLead(v1::Lead lead, const v1::LeadEvent& event) {
  return Evolve(std::move(lead), event);
}
v1::PipelineSettingsState EvolveSettings(v1::PipelineSettingsState state,
                                         const v1::SettingsEvent& event) {
  return Evolve(std::move(state), event);
}
std::string DealIdOf(const v1::Lead& lead) { return lead.deal_id(); }
std::string NoDeal(const v1::PipelineSettingsState&) { return ""; }

// Adds amount × weight_percent / 100 to the per-currency totals (rounded once, at the end).
class MoneyTotals {
 public:
  void Add(const common::v1::Money& amount, int32_t probability) {
    if (amount.currency().empty()) return;
    Sums& sums = by_currency_[amount.currency()];
    sums.units += amount.units();
    sums.weighted_hundredths += pipeline::WeightedHundredths(amount.units(), probability);
  }
  void WriteTo(v1::BoardColumn& column) const {
    for (const auto& [currency, sums] : by_currency_) {
      common::v1::Money* total = column.add_total_amount();
      total->set_currency(currency);
      total->set_units(sums.units);
      common::v1::Money* weighted = column.add_weighted_amount();
      weighted->set_currency(currency);
      weighted->set_units(static_cast<int64_t>((sums.weighted_hundredths + 50) / 100));
    }
  }

 private:
  struct Sums {
    int64_t units = 0;
    __int128 weighted_hundredths = 0;
  };
  std::map<std::string, Sums> by_currency_;
};

// The pipeline settings as last folded, shared read-only by every command and query: a load
// checks that no settings event was committed since (for a known stream head, an in-memory lookup
// in the store, no RocksDB read) and shares the snapshot instead of copying it. Newer settings are
// folded through `cache` (which settings commands keep current) into a new snapshot; a snapshot
// is never changed in place. Thread-safety: Load may be called concurrently.
class SettingsSnapshots {
 public:
  using Settings = std::shared_ptr<const v1::PipelineSettingsState>;

  SettingsSnapshots(eventstore::EventStore& store, AggregateCache<v1::PipelineSettingsState>& cache)
      : store_(store), cache_(cache) {}

  absl::StatusOr<Settings> Load() {
    Snapshot current;
    {
      absl::MutexLock lock(&mu_);
      current = latest_;
    }
    const std::string stream_id(kSettingsStreamId);
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> newer,
                     store_.ReadStream(stream_id, current.version + 1, 1));
    if (newer.empty()) return current.settings;
    ASSIGN_OR_RETURN(
        LoadedAggregate<v1::PipelineSettingsState> loaded,
        eventsourcing::LoadAggregate<v1::SettingsEvent>(
            store_, stream_id, v1::PipelineSettingsState(), &EvolveSettings, {}, &cache_));
    Snapshot folded{std::move(loaded.state), loaded.version};
    absl::MutexLock lock(&mu_);
    if (folded.version > latest_.version) latest_ = folded;
    return folded.settings;
  }

  uint64_t version() {
    absl::MutexLock lock(&mu_);
    return latest_.version;
  }

 private:
  struct Snapshot {
    Settings settings = std::make_shared<const v1::PipelineSettingsState>();
    uint64_t version = 0;
  };

  eventstore::EventStore& store_;
  AggregateCache<v1::PipelineSettingsState>& cache_;
  absl::Mutex mu_;
  Snapshot latest_ ABSL_GUARDED_BY(mu_);
};

class LeadsAppImpl final : public LeadsApp {
 public:
  explicit LeadsAppImpl(LeadsAppOptions options)
      : options_(std::move(options)),
        store_(*options_.store),
        lead_cache_(memory::JoinCachesOrFixed(options_.memory, "leads/aggregates",
                                              kLeadAggregateCacheWeight,
                                              options_.aggregate_cache_bytes)),
        settings_cache_(kSettingsCacheBytes),
        settings_(store_, settings_cache_) {}

  ~LeadsAppImpl() override {
    {
      absl::MutexLock lock(&scanner_mu_);
      scanner_.reset();  // waits for a scan in progress
    }
  }

  // Opens the read model and starts following the store.
  absl::Status OpenReadModel() {
    ASSIGN_OR_RETURN(read_model_,
                     projection::OwnReadModel::Start(
                         &projection_, {.store = &store_,
                                        .topic = options_.topic,
                                        .path = options_.read_model_path,
                                        .dead_letters = options_.dead_letters,
                                        .metrics = options_.metrics,
                                        .memory = options_.memory,
                                        // No command waits for it (OpenLoadOverlay):
                                        // live batches gather like a dashboard's.
                                        .wake_batch_delay = projection::kDashboardWakeBatchDelay}));
    model_ = std::make_unique<LeadsReadModel>(&read_model_->store(), options_.list_scan_limit);
    return absl::OkStatus();
  }

  // ---- Pipeline settings ----
  absl::StatusOr<v1::SettingsResponse> SetPipelineSettings(const v1::SetPipelineSettingsRequest& r,
                                                           const CallOrigin& o) override {
    const std::string stream_id(kSettingsStreamId);
    absl::ReleasableMutexLock lock(&StreamLock(stream_id));
    auto outcome = eventsourcing::ExecuteCommand<v1::SettingsEvent>(
        store_, OptionsFor(stream_id, r.meta(), o, RequestFingerprint(r)),
        v1::PipelineSettingsState(), &EvolveSettings,
        [&](const v1::PipelineSettingsState& state) { return Decide(state, r); }, &NoDeal,
        &settings_cache_, OccurredAtOfEvent(options_.clock()));
    lock.Release();
    Count("SetPipelineSettings", outcome.status());
    if (!outcome.ok()) return outcome.status();
    if (outcome->appended > 0) read_model_->Wake();
    v1::SettingsResponse response;
    response.set_stream_version(outcome->version);
    return response;
  }

  absl::StatusOr<v1::GetPipelineSettingsResponse> GetPipelineSettings(
      const v1::GetPipelineSettingsRequest&) override {
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings settings, settings_.Load());
    v1::GetPipelineSettingsResponse response;
    *response.mutable_settings() = EffectiveSettings(*settings);
    response.set_defaults(!settings->has_settings());
    response.set_stream_version(settings_.version());
    return response;
  }

  // ---- Leads and deals ----
  absl::StatusOr<v1::CaptureLeadResponse> CaptureLead(const v1::CaptureLeadRequest& request,
                                                      const CallOrigin& origin) override {
    v1::CaptureLeadRequest capture = request;
    if (capture.lead_id().empty()) capture.set_lead_id(GeneratedId("L-", request.meta()));
    const std::string fingerprint = RequestFingerprint(request);
    absl::StatusOr<v1::CaptureLeadResponse> result;
    absl::Duration backoff = kCaptureRetryBackoff;
    for (int attempt = 1; attempt <= kMaxCaptureAttempts; ++attempt) {
      result = WithOrgCatchUp([&] { return CaptureOnce(capture, fingerprint, origin); });
      if (result.status().code() != absl::StatusCode::kAborted || attempt == kMaxCaptureAttempts) {
        break;
      }
      // The winner's claim may not be readable yet (its commit group is still being written).
      absl::SleepFor(backoff);
      backoff *= 2;
    }
    Count("CaptureLead", result.status());
    if (result.ok()) read_model_->Wake();
    return result;
  }

  absl::StatusOr<v1::CommandResponse> UpdateLeadDetails(const v1::UpdateLeadDetailsRequest& r,
                                                        const CallOrigin& o) override {
    return LeadCommand("UpdateLeadDetails", r, o);
  }
  absl::StatusOr<v1::CommandResponse> ChangeLeadSource(const v1::ChangeLeadSourceRequest& r,
                                                       const CallOrigin& o) override {
    return LeadCommand("ChangeLeadSource", r, o);
  }
  absl::StatusOr<v1::CommandResponse> UpdateQualification(const v1::UpdateQualificationRequest& r,
                                                          const CallOrigin& o) override {
    return LeadCommand("UpdateQualification", r, o);
  }
  absl::StatusOr<v1::CommandResponse> MoveLeadStage(const v1::MoveLeadStageRequest& r,
                                                    const CallOrigin& o) override {
    return LeadCommand("MoveLeadStage", r, o);
  }
  absl::StatusOr<v1::CommandResponse> ConvertToOpportunity(const v1::ConvertToOpportunityRequest& r,
                                                           const CallOrigin& o) override {
    v1::ConvertToOpportunityRequest command = r;
    if (command.deal_id().empty()) command.set_deal_id(GeneratedId("D-", r.meta()));
    // The deal id is claimed with the conversion, atomically: another lead's deal id is
    // ALREADY_EXISTS (the deal's audit history would mix two leads).
    return LeadCommand("ConvertToOpportunity", command, o, RequestFingerprint(r),
                       command.deal_id());
  }
  absl::StatusOr<v1::CommandResponse> ChangeSalesStep(const v1::ChangeSalesStepRequest& r,
                                                      const CallOrigin& o) override {
    return LeadCommand("ChangeSalesStep", r, o);
  }
  absl::StatusOr<v1::CommandResponse> OverrideDealProbability(
      const v1::OverrideDealProbabilityRequest& r, const CallOrigin& o) override {
    return LeadCommand("OverrideDealProbability", r, o);
  }
  absl::StatusOr<v1::CommandResponse> ChangeDealAmount(const v1::ChangeDealAmountRequest& r,
                                                       const CallOrigin& o) override {
    return LeadCommand("ChangeDealAmount", r, o);
  }
  absl::StatusOr<v1::CommandResponse> ChangeDealCloseDate(const v1::ChangeDealCloseDateRequest& r,
                                                          const CallOrigin& o) override {
    return LeadCommand("ChangeDealCloseDate", r, o);
  }
  absl::StatusOr<v1::CommandResponse> AssignLead(const v1::AssignLeadRequest& r,
                                                 const CallOrigin& o) override {
    return LeadCommand("AssignLead", r, o);
  }
  absl::StatusOr<v1::CommandResponse> LogActivity(const v1::LogActivityRequest& r,
                                                  const CallOrigin& o) override {
    v1::LogActivityRequest command = r;
    if (command.activity_id().empty()) command.set_activity_id(GeneratedId("A-", r.meta()));
    return LeadCommand("LogActivity", command, o, RequestFingerprint(r));
  }
  absl::StatusOr<v1::CommandResponse> DisqualifyLead(const v1::DisqualifyLeadRequest& r,
                                                     const CallOrigin& o) override {
    return LeadCommand("DisqualifyLead", r, o);
  }
  absl::StatusOr<v1::CommandResponse> WinDeal(const v1::WinDealRequest& r,
                                              const CallOrigin& o) override {
    return LeadCommand("WinDeal", r, o);
  }
  absl::StatusOr<v1::CommandResponse> LoseDeal(const v1::LoseDealRequest& r,
                                               const CallOrigin& o) override {
    return LeadCommand("LoseDeal", r, o);
  }

  // ---- Queries ----
  absl::StatusOr<v1::GetLeadResponse> GetLead(const v1::GetLeadRequest& request) override {
    RETURN_IF_ERROR(ValidateId("lead_id", request.lead_id()));
    ASSIGN_OR_RETURN(LoadedAggregate<v1::Lead> lead, LoadLead(request.lead_id()));
    if (lead.version == 0) {
      return absl::NotFoundError(absl::StrCat("lead '", request.lead_id(), "' not found"));
    }
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings settings, settings_.Load());
    v1::GetLeadResponse response;
    *response.mutable_lead() = *lead.state;
    response.set_stream_version(lead.version);
    Describe(response, EffectiveSettings(*settings), options_.clock());
    return response;
  }

  absl::StatusOr<v1::ListLeadsResponse> ListLeads(const v1::ListLeadsRequest& request) override {
    RETURN_IF_ERROR(ValidateListRequest(request));
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings state, settings_.Load());
    const v1::PipelineSettings& settings = EffectiveSettings(*state);
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(LeadPage page, model_->List(request, settings, now));
    v1::ListLeadsResponse response;
    for (v1::GetLeadResponse& row : page.rows) {
      Describe(row, settings, now);
      *response.add_leads() = std::move(row);
    }
    response.set_next_page_token(std::move(page.next_page_token));
    return response;
  }

  absl::StatusOr<v1::PipelineBoard> GetPipelineBoard(
      const v1::GetPipelineBoardRequest& request) override {
    RETURN_IF_ERROR(ValidateId("team_id", request.team_id()));
    // A team the replica does not know yet may be a moment old: catch up once before NOT_FOUND.
    if (org::FindTeam(*options_.org->Current().organisation, request.team_id()) == nullptr &&
        (!options_.org->CatchUp(kOrgCatchUpTimeout).ok() ||
         org::FindTeam(*options_.org->Current().organisation, request.team_id()) == nullptr)) {
      return absl::NotFoundError(absl::StrCat("team '", request.team_id(), "' not found"));
    }
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings state, settings_.Load());
    const v1::PipelineSettings& settings = EffectiveSettings(*state);
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(std::vector<v1::GetLeadResponse> rows,
                     model_->OpenLeadsOfTeam(request.team_id()));
    v1::PipelineBoard board;
    board.set_team_id(request.team_id());
    auto fill = [&](v1::LeadStage stage, v1::SalesStep step) {
      v1::BoardColumn* column = board.add_columns();
      column->set_stage(stage);
      column->set_step(step);
      MoneyTotals totals;
      for (const v1::GetLeadResponse& row : rows) {
        const v1::Lead& lead = row.lead();
        if (lead.stage() != stage ||
            (step != v1::SALES_STEP_UNSPECIFIED && lead.sales_step() != step)) {
          continue;
        }
        v1::LeadCard* card = column->add_cards();
        card->set_lead_id(lead.lead_id());
        card->set_deal_id(lead.deal_id());
        card->set_company_name(lead.details().company().name());
        card->set_rep_id(lead.rep_id());
        card->set_grade(lead.grade());
        card->set_score(lead.score());
        *card->mutable_amount() = stage == v1::LEAD_STAGE_OPPORTUNITY
                                      ? lead.deal_amount()
                                      : lead.details().estimated_value();
        card->set_probability(EffectiveProbability(lead));
        card->set_overdue(IsOverdue(lead, settings, now));
        totals.Add(card->amount(), card->probability());
      }
      totals.WriteTo(*column);
    };
    for (v1::LeadStage stage :
         {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_NURTURING, v1::LEAD_STAGE_QUALIFIED}) {
      fill(stage, v1::SALES_STEP_UNSPECIFIED);
    }
    for (v1::SalesStep step : kSteps) fill(v1::LEAD_STAGE_OPPORTUNITY, step);
    return board;
  }

  // ---- Follow-ups ----
  absl::StatusOr<int> ScanOverdue() override {
    const absl::Time now = options_.clock();
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings state, settings_.Load());
    const v1::PipelineSettings& settings = EffectiveSettings(*state);
    ASSIGN_OR_RETURN(std::vector<std::string> due,
                     model_->UnreportedDueLeads(settings, now, kMaxOverduePerScan));
    if (due.empty()) return 0;
    int appended = 0;
    for (const std::string& lead_id : due) {
      CommandOptions options{.stream_id = LeadStreamId(lead_id),
                             .metadata = {.actor = std::string(kScannerActor)}};
      absl::MutexLock lock(&StreamLock(options.stream_id));
      auto outcome = eventsourcing::ExecuteCommand<v1::LeadEvent>(
          store_, options, v1::Lead(), &EvolveLead,
          [&](const v1::Lead& lead) -> absl::StatusOr<LeadEvents> {
            LeadEvents events;
            if (std::optional<v1::LeadEvent> overdue = DetectOverdue(lead, settings, now)) {
              events.push_back(*std::move(overdue));
            }
            return events;
          },
          &DealIdOf, &lead_cache_, OccurredAtOfEvent(now));
      Count("DetectOverdue", outcome.status());
      if (!outcome.ok()) {
        log::Error("leads.overdue_scan.failed",
                   {{"lead_id", lead_id}, {"error", outcome.status().ToString()}});
        continue;
      }
      appended += static_cast<int>(outcome->appended);
    }
    if (appended > 0) read_model_->Wake();
    return appended;
  }

  void StartOverdueScanner() override {
    absl::MutexLock lock(&scanner_mu_);
    if (scanner_ != nullptr) return;
    scanner_ = std::make_unique<concurrency::PeriodicTask>(options_.overdue_scan_interval, [this] {
      absl::StatusOr<int> scanned = ScanOverdue();
      if (!scanned.ok()) {
        log::Error("leads.overdue_scan.failed", {{"error", scanned.status().ToString()}});
      }
    });
  }

  absl::Status WaitForReadModel(absl::Duration timeout) override {
    return read_model_->AwaitFeedHeads(timeout);
  }

  projection::AdministeredProjection read_model() const override {
    return read_model_->administered([] { return std::make_unique<LeadsReadModelProjection>(); });
  }

 private:
  absl::Mutex& StreamLock(const std::string& stream_id) { return stream_locks_.For(stream_id); }

  // org::DecideWithOrgCatchUp on this app's org replica (e.g. an assignment by rule just after
  // the rule was added).
  template <typename Decide>
  auto WithOrgCatchUp(Decide decide) -> decltype(decide()) {
    return org::DecideWithOrgCatchUp(*options_.org, kOrgCatchUpTimeout, decide);
  }
  void Count(absl::string_view command, const absl::Status& status) {
    counter_.Count(command, status);
  }

  absl::StatusOr<LoadedAggregate<v1::Lead>> LoadLead(const std::string& lead_id) {
    return eventsourcing::LoadAggregate<v1::LeadEvent>(store_, LeadStreamId(lead_id), v1::Lead(),
                                                       &EvolveLead, {}, &lead_cache_);
  }

  // The org replica and the settings (and, for an assignment by rule, the reps' open loads),
  // then ExecuteCommand on the lead with Decide(lead, command, context). A NOT_FOUND decided on
  // the replica may be the org moments ahead of it: the replica catches up once and the command
  // is decided again. `fingerprint` identifies the caller's request when `command` was completed
  // with generated ids; `deal_id_claim` is a deal id the command takes (a conversion).
  template <typename Request>
  absl::StatusOr<v1::CommandResponse> LeadCommand(absl::string_view name, const Request& command,
                                                  const CallOrigin& origin,
                                                  std::string fingerprint = "",
                                                  const std::string& deal_id_claim = "") {
    if (fingerprint.empty()) fingerprint = RequestFingerprint(command);
    CommandOptions options =
        OptionsFor(LeadStreamId(command.lead_id()), command.meta(), origin, std::move(fingerprint));
    if (!deal_id_claim.empty()) {
      ASSIGN_OR_RETURN(eventstore::AppendRequest claim,
                       DealIdClaim(deal_id_claim, command.lead_id(), options.metadata));
      options.claims.push_back(std::move(claim));
    }
    absl::StatusOr<CommandOutcome<v1::Lead>> outcome =
        WithOrgCatchUp([&] { return DecideOnLead(command, options); });
    Count(name, outcome.status());
    if (!outcome.ok()) return outcome.status();
    if (outcome->appended > 0) read_model_->Wake();
    v1::CommandResponse response;
    response.set_lead_id(command.lead_id());
    response.set_deal_id(outcome->state->deal_id());
    response.set_stream_version(outcome->version);
    return response;
  }

  template <typename Command>
  absl::StatusOr<CommandOutcome<v1::Lead>> DecideOnLead(const Command& command,
                                                        const CommandOptions& options) {
    RETURN_IF_ERROR(ValidateId("lead_id", LeadIdOf(command)));
    const org::OrgView::Snapshot org = options_.org->Current();
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings settings, settings_.Load());
    RepLoads loads;
    if constexpr (std::is_same_v<Command, v1::AssignLeadRequest>) {
      if (command.rep_id().empty()) {
        ASSIGN_OR_RETURN(loads, CurrentOpenLoads(*org.organisation));
      }
    }
    const absl::Time now = options_.clock();
    const LeadContext context{.now = now,
                              .actor = CommandActor(command),
                              .org = *org.organisation,
                              .org_version = org.version,
                              .settings = EffectiveSettings(*settings),
                              .open_loads = loads};
    absl::MutexLock lock(&StreamLock(options.stream_id));
    std::vector<OwnerChange> owner_changes;  // of the (last) decision's events
    absl::StatusOr<CommandOutcome<v1::Lead>> outcome = eventsourcing::ExecuteCommand<v1::LeadEvent>(
        store_, options, v1::Lead(), &EvolveLead,
        [&](const v1::Lead& lead) -> absl::StatusOr<LeadEvents> {
          ASSIGN_OR_RETURN(LeadEvents events, Decide(lead, command, context));
          owner_changes = OwnerChanges(lead, events);
          return events;
        },
        &DealIdOf, &lead_cache_, OccurredAtOfEvent(now));
    if (outcome.ok() && outcome->appended > 0) {
      const uint64_t first_position = outcome->last_position - (outcome->appended - 1);
      for (const OwnerChange& change : owner_changes) {
        open_load_changes_.Record(first_position + change.event_index, change.before, change.after);
      }
      if (open_load_changes_.pending() > kPendingLoadChangesToPrune) {
        // Drop what the read model has applied (AddTo does too, but only assignments call it).
        absl::StatusOr<uint64_t> applied = read_model_->store().FeedPosition(options_.topic);
        if (applied.ok()) open_load_changes_.ForgetBelow(*applied);
      }
    }
    return outcome;
  }

  // A change of a lead's open owner by one of a command's events (its index among them).
  struct OwnerChange {
    size_t event_index;
    std::string before;
    std::string after;
  };
  // The open-owner changes `events` make when folded onto `lead`, event by event (a command may
  // close a lead and then append more, and a read model batch may end between them).
  static std::vector<OwnerChange> OwnerChanges(const v1::Lead& lead, const LeadEvents& events) {
    std::vector<OwnerChange> changes;
    std::string owner = OpenOwner(lead);
    if (events.empty()) return changes;
    v1::Lead state = lead;
    for (size_t i = 0; i < events.size(); ++i) {
      state = EvolveLead(std::move(state), events[i]);
      if (OpenOwner(state) != owner) {
        changes.push_back({i, owner, OpenOwner(state)});
        owner = OpenOwner(state);
      }
    }
    return changes;
  }

  // Every rep's open leads as of the store's head: the read model's counts and the changes
  // appended since (OpenLoadOverlay). It never waits for the read model.
  absl::StatusOr<RepLoads> CurrentOpenLoads(const org::v1::SalesOrganisation& org) {
    std::vector<std::string> reps;
    for (const org::v1::Rep& rep : org.reps()) reps.push_back(rep.rep_id());
    for (int attempt = 1;; ++attempt) {
      ASSIGN_OR_RETURN(LeadsReadModel::CountedLoads counted,
                       model_->OpenLoads(reps, options_.topic));
      // False when a concurrent caller already forgot changes these counts lack: read again
      // (the read model only moves forward, so this ends).
      if (open_load_changes_.AddTo(counted.next_feed_position, counted.loads)) {
        open_load_changes_.ForgetBelow(counted.next_feed_position);
        return std::move(counted.loads);
      }
      if (attempt == kMaxLoadReads) {
        return absl::UnavailableError("the leads read model's loads kept moving; try again");
      }
    }
  }

  static const std::string& LeadIdOf(const MergeDuplicateCommand& command) {
    return command.capture.lead_id();
  }
  template <typename Request>
  static const std::string& LeadIdOf(const Request& request) {
    return request.lead_id();
  }
  static const std::string& CommandActor(const MergeDuplicateCommand& command) {
    return command.capture.meta().actor();
  }
  template <typename Request>
  static const std::string& CommandActor(const Request& request) {
    return request.meta().actor();
  }

  // One try of a capture: merge into the lead holding one of its keys, or append the new lead
  // with the claims of all its keys. ABORTED when another capture claimed a key meanwhile.
  absl::StatusOr<v1::CaptureLeadResponse> CaptureOnce(const v1::CaptureLeadRequest& capture,
                                                      const std::string& fingerprint,
                                                      const CallOrigin& origin) {
    RETURN_IF_ERROR(ValidateId("lead_id", capture.lead_id()));
    const org::OrgView::Snapshot org = options_.org->Current();
    ASSIGN_OR_RETURN(SettingsSnapshots::Settings settings, settings_.Load());
    const absl::Time now = options_.clock();
    const RepLoads no_loads;
    const LeadContext context{.now = now,
                              .actor = capture.meta().actor(),
                              .org = *org.organisation,
                              .org_version = org.version,
                              .settings = EffectiveSettings(*settings),
                              .open_loads = no_loads};
    // Decided on a new lead first, so that bad input is refused before any key is looked at.
    ASSIGN_OR_RETURN(LeadEvents events, Decide(v1::Lead(), capture, context));
    const std::vector<std::string> keys = DedupeKeys(capture.details());
    for (const std::string& key : keys) {
      ASSIGN_OR_RETURN(std::string claimant, ClaimantOf(key));
      if (!claimant.empty() && claimant != capture.lead_id()) {
        return MergeInto(claimant, key, capture, fingerprint, origin);
      }
    }

    const CommandOptions options =
        OptionsFor(LeadStreamId(capture.lead_id()), capture.meta(), origin, fingerprint);
    eventstore::MultiAppendRequest request{.idempotency_key = options.idempotency_key,
                                           .idempotency_fingerprint = fingerprint};
    eventstore::AppendRequest& lead_append = request.appends.emplace_back();
    lead_append.stream_id = options.stream_id;
    lead_append.expected_version = eventstore::kNoStream;
    for (const v1::LeadEvent& event : events) {
      EventEnvelope& envelope = lead_append.events.emplace_back();
      ASSIGN_OR_RETURN(*envelope.mutable_payload(), eventsourcing::PackEvent(event));
      Stamp(envelope, options.metadata, OccurredAtOfEvent(now)(event).value());
    }
    for (const std::string& key : keys) {
      eventstore::AppendRequest& claim = request.appends.emplace_back();
      claim.stream_id = ClaimStreamId(kClaimStreamPrefix, key);
      claim.expected_version = eventstore::kNoStream;
      v1::DedupeKeyClaimed claimed;
      claimed.set_key(key);
      claimed.set_lead_id(capture.lead_id());
      *claimed.mutable_at() = ToTimestamp(now);
      EventEnvelope& envelope = claim.events.emplace_back();
      envelope.mutable_payload()->PackFrom(claimed);
      Stamp(envelope, options.metadata, claimed.at());
    }
    absl::StatusOr<std::vector<eventstore::AppendResult>> appended =
        store_.AppendAll(std::move(request));
    if (appended.status().code() == absl::StatusCode::kAborted) {
      // The lead id itself is taken (ALREADY_EXISTS from Decide), or a key was claimed meanwhile.
      ASSIGN_OR_RETURN(LoadedAggregate<v1::Lead> existing, LoadLead(capture.lead_id()));
      if (existing.version > 0) return Decide(*existing.state, capture, context).status();
      return appended.status();
    }
    if (!appended.ok()) return appended.status();
    v1::CaptureLeadResponse response;
    response.set_lead_id(capture.lead_id());
    response.set_stream_version(appended->front().last_version);
    return response;
  }

  absl::StatusOr<v1::CaptureLeadResponse> MergeInto(const std::string& lead_id,
                                                    const std::string& key,
                                                    const v1::CaptureLeadRequest& capture,
                                                    const std::string& fingerprint,
                                                    const CallOrigin& origin) {
    MergeDuplicateCommand merge{key, capture};
    merge.capture.set_lead_id(lead_id);
    ASSIGN_OR_RETURN(CommandOutcome<v1::Lead> outcome,
                     DecideOnLead(merge, OptionsFor(LeadStreamId(lead_id), capture.meta(), origin,
                                                    fingerprint)));
    v1::CaptureLeadResponse response;
    response.set_lead_id(lead_id);
    response.set_merged_as_duplicate(true);
    response.set_matched_key(key);
    response.set_stream_version(outcome.version);
    return response;
  }

  // The claim of `deal_id` by `lead_id` (a new "deal-id-<id>" stream), stamped like the command.
  absl::StatusOr<eventstore::AppendRequest> DealIdClaim(
      const std::string& deal_id, const std::string& lead_id,
      const eventsourcing::EnvelopeMetadata& meta) {
    RETURN_IF_ERROR(ValidateId("deal_id", deal_id));
    eventstore::AppendRequest claim{.stream_id = ClaimStreamId(kDealIdClaimPrefix, deal_id),
                                    .expected_version = eventstore::kNoStream};
    v1::DealIdClaimed claimed;
    claimed.set_deal_id(deal_id);
    claimed.set_lead_id(lead_id);
    *claimed.mutable_at() = ToTimestamp(options_.clock());
    EventEnvelope& envelope = claim.events.emplace_back();
    envelope.mutable_payload()->PackFrom(claimed);
    Stamp(envelope, meta, claimed.at());
    return claim;
  }

  // The lead that claimed `key`, or "" when none did.
  absl::StatusOr<std::string> ClaimantOf(const std::string& key) {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> claim,
                     store_.ReadStream(ClaimStreamId(kClaimStreamPrefix, key), 1, 1));
    if (claim.empty()) return std::string();
    v1::DedupeKeyClaimed claimed;
    if (!claim.front().payload().UnpackTo(&claimed)) {
      return absl::DataLossError(absl::StrCat("claim stream of key ", key, " is unreadable"));
    }
    return claimed.lead_id();
  }

  static void Stamp(EventEnvelope& envelope, const eventsourcing::EnvelopeMetadata& metadata,
                    const Timestamp& at) {
    envelope.set_actor(metadata.actor);
    envelope.set_correlation_id(metadata.correlation_id);
    envelope.set_causation_id(metadata.causation_id);
    *envelope.mutable_occurred_at() = at;
  }

  // Fills the figures derived from the lead, the settings and the clock.
  static void Describe(v1::GetLeadResponse& response, const v1::PipelineSettings& settings,
                       absl::Time now) {
    const v1::Lead& lead = response.lead();
    if (std::optional<absl::Time> due = FollowUpDue(lead, settings)) {
      *response.mutable_follow_up_due() = ToTimestamp(*due);
    }
    response.set_overdue(IsOverdue(lead, settings, now));
    response.set_probability(EffectiveProbability(lead));
  }

  static absl::Status ValidateListRequest(const v1::ListLeadsRequest& request) {
    RETURN_IF_ERROR(projection::ValidatePageSize(request.page_size()));
    RETURN_IF_ERROR(ValidateOptionalEnum("stage", request.stage(), v1::LeadStage_IsValid));
    RETURN_IF_ERROR(ValidateOptionalEnum("grade", request.grade(), v1::Grade_IsValid));
    RETURN_IF_ERROR(ValidateOptionalEnum("source", request.source(), v1::LeadSource_IsValid));
    RETURN_IF_ERROR(ValidateOptionalId("rep_id", request.rep_id()));
    RETURN_IF_ERROR(ValidateOptionalId("team_id", request.team_id()));
    RETURN_IF_ERROR(ValidateOptionalId("territory.region_id", request.territory().region_id()));
    RETURN_IF_ERROR(
        ValidateOptionalId("territory.product_line_id", request.territory().product_line_id()));
    return ValidateOptionalId("territory.segment_id", request.territory().segment_id());
  }

  const LeadsAppOptions options_;
  eventstore::EventStore& store_;
  LeadsReadModelProjection projection_;
  std::unique_ptr<projection::OwnReadModel> read_model_;  // follows the store in this process
  std::unique_ptr<LeadsReadModel> model_;
  OpenLoadOverlay open_load_changes_;  // recorded by DecideOnLead, added by CurrentOpenLoads
  AggregateCache<v1::Lead> lead_cache_;
  AggregateCache<v1::PipelineSettingsState> settings_cache_;
  SettingsSnapshots settings_;

  eventsourcing::StreamLocks stream_locks_;
  const eventsourcing::CommandCounter counter_{"leads"};

  absl::Mutex scanner_mu_;
  std::unique_ptr<concurrency::PeriodicTask> scanner_ ABSL_GUARDED_BY(scanner_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<LeadsApp>> LeadsApp::Create(LeadsAppOptions options) {
  if (options.store == nullptr) return absl::InvalidArgumentError("LeadsApp: store is required");
  if (options.org == nullptr) return absl::InvalidArgumentError("LeadsApp: org is required");
  if (options.read_model_path.empty()) {
    return absl::InvalidArgumentError("LeadsApp: read_model_path is required");
  }
  if (options.overdue_scan_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("LeadsApp: overdue_scan_interval must be positive");
  }
  if (options.list_scan_limit == 0) {
    return absl::InvalidArgumentError("LeadsApp: list_scan_limit must be positive");
  }
  auto app = std::make_unique<LeadsAppImpl>(std::move(options));
  RETURN_IF_ERROR(app->OpenReadModel());
  return app;
}

}  // namespace sales::leads
