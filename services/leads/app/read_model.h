// The leads service's read model (ListLeads, the pipeline board, assignment loads, the overdue
// scanner's work list): a Projection of the leads store on the common runner, and the queries
// over its store.
//
//   LeadsReadModelProjection projection;
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&projection, {
//       .path = dir + "/read-model", .sources = {{.topic = topic, .feed = &local_feed}}}));
//   runner->Start();                          // feed-only: follows the local store
//   LeadsReadModel model(&runner->store(), /*max_scanned_per_page=*/10000);
//   ASSIGN_OR_RETURN(LeadPage page, model.List(request, settings, now));
//
// The projection folds each lead's events with the domain's Evolve, so a row is exactly the
// aggregate as of the applied version; like every projection it is rebuildable to the same
// checksum (salesctl projection rebuild leads-read-model).
//
// Layout (one key space, '/'-separated; ids cannot contain '/'; numbers are fixed-width decimal
// so that keys sort numerically):
//   l/<lead>                       the row: GetLeadResponse(lead, stream_version) + its index keys
//   xs/<stage>/<lead>              by stage            xr/<rep>/<lead>       by rep
//   xt/<team>/<stage>/<lead>       by team and stage   xg/<grade>/<lead>     by grade
//   xq/<source>/<lead>             by source
//   xo/<rep>/<lead>                open leads by rep
//   co/<rep>                       how many "xo/<rep>/" rows there are (assignment loads: one
//                                  point read per rep)
//   dn/<due nanos>/<lead>          open leads whose latest activity named the next contact, by it
//   da/<grade>/<anchor nanos>/<lead>  the other open leads, by grade and follow-up anchor (their
//                                  due time is the anchor + the grade's overdue days)
//   un/…, ua/…                     the same, for the leads whose overdue episode is not reported
// The due indexes hold only what no setting changes (follow_up.h, DueBasis): a change of the
// overdue days rewrites nothing, and the queries merge the ranges in due order instead. Every
// row's effect depends only on its own stream (loads are sums), as the projection contract asks.
//
// Thread-safety: the runner applies; the queries may run concurrently with it and each other.
#ifndef SALES_SERVICES_LEADS_APP_READ_MODEL_H_
#define SALES_SERVICES_LEADS_APP_READ_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"
#include "sales/leads/v1/leads.pb.h"
#include "services/leads/domain/assignment.h"

namespace sales::leads {

class LeadsReadModelProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "leads-read-model";
  absl::string_view name() const override { return kName; }
  // 2: a lead row keeps the probability its step was entered with (Lead.step_probability).
  int layout_version() const override { return 2; }
  // Lead streams fold; an undecodable lead event is INVALID_ARGUMENT, a sales.leads.v1 type the
  // wrapper lacks UNIMPLEMENTED; other streams (settings, claims) are ignored.
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

// One page of ListLeads: rows with lead and stream_version set (derived fields are the caller's).
struct LeadPage {
  std::vector<v1::GetLeadResponse> rows;
  std::string next_page_token;  // empty on the last page
};

class LeadsReadModel {
 public:
  // `store` is the projection's (ProjectionRunner::store()) and must outlive the model.
  // `max_scanned_per_page` bounds the index entries one List call examines (see
  // ListLeadsResponse in leads.proto): a page may then hold fewer rows and still have a token.
  LeadsReadModel(projection::ProjectionStore* store, size_t max_scanned_per_page);

  // The leads matching `request`'s filters (validated by the caller), in index order (overdue
  // listings: earliest due first), a page at a time. `settings` and `now` decide "overdue".
  // INVALID_ARGUMENT for a token of another query.
  absl::StatusOr<LeadPage> List(const v1::ListLeadsRequest& request,
                                const v1::PipelineSettings& settings, absl::Time now) const;

  // Open leads of the team (rows of stages CAPTURED … OPPORTUNITY).
  absl::StatusOr<std::vector<v1::GetLeadResponse>> OpenLeadsOfTeam(
      const std::string& team_id) const;

  // Number of open leads per rep, for the given reps (absent reps count 0), as folded from the
  // events of `source`'s feed before `next_feed_position` (one snapshot).
  struct CountedLoads {
    RepLoads loads;
    uint64_t next_feed_position = 1;
  };
  absl::StatusOr<CountedLoads> OpenLoads(const std::vector<std::string>& rep_ids,
                                         absl::string_view source) const;

  // Ids of up to `limit` open leads whose follow-up was due at or before `now` under `settings`
  // and whose overdue episode is not reported yet, earliest due first.
  absl::StatusOr<std::vector<std::string>> UnreportedDueLeads(const v1::PipelineSettings& settings,
                                                              absl::Time now, size_t limit) const;

 private:
  // An open lead's place in due order.
  struct DueEntry {
    absl::Time due;
    std::string lead_id;
  };
  // Up to `limit` leads of a due index family ("d": every open lead, "u": unreported ones) due
  // at or before `now`, after `after` in (due, lead id) order, earliest first.
  absl::StatusOr<std::vector<DueEntry>> DueLeads(absl::string_view family,
                                                 const v1::PipelineSettings& settings,
                                                 absl::Time now,
                                                 const std::optional<DueEntry>& after,
                                                 size_t limit) const;
  absl::StatusOr<LeadPage> ListOverdue(const v1::ListLeadsRequest& request,
                                       const v1::PipelineSettings& settings, absl::Time now) const;

  projection::ProjectionStore* const store_;
  const size_t max_scanned_per_page_;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_APP_READ_MODEL_H_
