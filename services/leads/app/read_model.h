// LeadsReadModel: the leads service's query side — one RocksDB database holding a summary row
// per lead (its folded state and stream version) and index rows for the list, board, load and
// overdue queries. It is fed, in global order, with the events of the service's own store (see
// ReadModelTailer) and folds them with the domain's Evolve, so a row is exactly the aggregate
// as of the applied position.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<LeadsReadModel> model, LeadsReadModel::Open(path, 10000));
//   RETURN_IF_ERROR(model->Apply(events));  // events from position model->applied_position()+1
//   ASSIGN_OR_RETURN(LeadPage page, model->List(request, settings, now));
//
// Layout (one key space, '/'-separated; ids cannot contain '/'; numbers are fixed-width decimal
// so that keys sort numerically):
//   m/position                     last applied global position (same WriteBatch as the rows)
//   settings                       the folded PipelineSettingsState (for due times)
//   l/<lead>                       the row: GetLeadResponse(lead, stream_version) + its index keys
//   xs/<stage>/<lead>              by stage            xr/<rep>/<lead>       by rep
//   xt/<team>/<stage>/<lead>       by team and stage   xg/<grade>/<lead>     by grade
//   xq/<source>/<lead>             by source
//   xo/<rep>/<lead>                open leads by rep
//   co/<rep>                       how many "xo/<rep>/" rows there are (assignment loads: one
//                                  point read per rep, kept in the same WriteBatch)
//   xd/<due nanos>/<lead>          open leads by follow-up due time (overdue listing)
//   xp/<due nanos>/<lead>          … of those, the ones whose overdue episode is not reported yet
//                                  (the overdue scanner's short range)
// Each row remembers its index keys, so a change rewrites them without recomputing the old ones
// (due times depend on settings that may have changed since).
//
// Cost per Apply: each lead it touches is read once (from the rows of recently applied leads
// kept decoded in memory, else from the database), folded by all of its events in the call, and
// written once with only the index keys that differ from the stored ones — the same database as
// applying the events one by one, for fewer writes when a lead has several events in a call.
//
// Thread-safety: Apply must be called by one thread at a time (the tailer); the queries may be
// called concurrently with it and with each other.
#ifndef SALES_SERVICES_LEADS_APP_READ_MODEL_H_
#define SALES_SERVICES_LEADS_APP_READ_MODEL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "rocksdb/db.h"
#include "sales/leads/v1/leads.pb.h"
#include "services/leads/domain/assignment.h"

namespace sales::leads {

// One page of ListLeads: rows with lead and stream_version set (derived fields are the caller's).
struct LeadPage {
  std::vector<v1::GetLeadResponse> rows;
  std::string next_page_token;  // empty on the last page
};

class LeadsReadModel {
 public:
  // `max_scanned_per_page` bounds the index entries one List call examines (see
  // ListLeadsResponse in leads.proto): a page may then hold fewer rows and still have a token.
  static absl::StatusOr<std::unique_ptr<LeadsReadModel>> Open(const std::string& path,
                                                              size_t max_scanned_per_page);
  ~LeadsReadModel();

  // The global position of the last event applied (0: none).
  uint64_t applied_position() const { return applied_.load(std::memory_order_acquire); }

  // Applies `events`, which must continue the applied position densely, and records the new
  // position in the same WriteBatch. Events of streams other than "pipeline-settings" and "lead-…"
  // only advance the position.
  absl::Status Apply(const std::vector<eventstore::EventEnvelope>& events);

  // The leads matching `request`'s filters (validated by the caller), in index order, a page at a
  // time. `settings` and `now` decide "overdue". INVALID_ARGUMENT for a token of another query.
  absl::StatusOr<LeadPage> List(const v1::ListLeadsRequest& request,
                                const v1::PipelineSettings& settings, absl::Time now) const;

  // Open leads of the team (rows of stages CAPTURED … OPPORTUNITY).
  absl::StatusOr<std::vector<v1::GetLeadResponse>> OpenLeadsOfTeam(
      const std::string& team_id) const;

  // Number of open leads per rep, for the given reps (absent reps count 0).
  absl::StatusOr<RepLoads> OpenLoads(const std::vector<std::string>& rep_ids) const;

  // Ids of up to `limit` open leads whose follow-up was due at or before `now` and whose overdue
  // episode is not reported yet, earliest due first.
  absl::StatusOr<std::vector<std::string>> UnreportedDueLeads(absl::Time now, size_t limit) const;

 private:
  LeadsReadModel(std::unique_ptr<rocksdb::DB> db, size_t max_scanned_per_page);
  class Batch;
  class RowCache;

  absl::Status Load();
  absl::Status ReindexAllLeads(Batch& batch);

  std::unique_ptr<rocksdb::DB> db_;
  const size_t max_scanned_per_page_;
  std::atomic<uint64_t> applied_{0};
  v1::PipelineSettingsState settings_;   // only touched by Apply (one thread)
  std::unique_ptr<RowCache> row_cache_;  // likewise
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_APP_READ_MODEL_H_
