// LedgerAppend: the ledger events one command — or one batch of the ledger process manager's —
// decided, appended to the reps' ledger streams (and any other stream, e.g. an order's fixed
// split) in one AppendAll, and the reps' books moved on only once it landed.
//
//   eventsourcing::StreamLocks::Held held(locks, every_stream_involved);
//   LedgerAppend append(store, books);
//   if (!append.Fits({LedgerStreamId(rep)})) { RETURN_IF_ERROR(append.Commit().status()); }
//   RETURN_IF_ERROR(append.AddLedger(rep, *book, event, metadata, deal_id, at));  // book decides
//   ASSIGN_OR_RETURN(uint64_t version, append.Commit());
//
// Each rep's append names the version its book was stored at, so a stream another writer moved
// fails the whole append (ABORTED) and nothing is written. An append that did not land — an
// error, or a LedgerAppend destroyed before its Commit — forgets the books it decided on, so
// their next use reloads what the store holds. The caller holds the locks of every stream
// involved from the first Add to the end of the last Commit (or the destruction).
//
// One Commit writes at most eventstore::kMaxStreamsPerMultiAppend streams and
// eventstore::kMaxEventsPerAppend events per stream: ask Fits before adding a command's events,
// and Commit what is gathered when they do not fit (a LedgerAppend may commit many times).
//
// Thread-safety: one thread.
#ifndef SALES_SERVICES_INCENTIVES_APP_LEDGER_APPEND_H_
#define SALES_SERVICES_INCENTIVES_APP_LEDGER_APPEND_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventstore/event_store.h"
#include "services/incentives/app/ledger_books.h"

namespace sales::incentives {

class LedgerAppend {
 public:
  LedgerAppend(eventstore::EventStore& store, LedgerBooks& books) : store_(store), books_(books) {}
  ~LedgerAppend();
  LedgerAppend(const LedgerAppend&) = delete;
  LedgerAppend& operator=(const LedgerAppend&) = delete;

  // Whether one more event on each of `streams` fits in what is gathered.
  bool Fits(const std::vector<std::string>& streams) const;
  bool empty() const { return multi_.appends.empty(); }

  // `event`, decided on the rep's `book` (which moves on now: Book::Decide), for its ledger.
  absl::Status AddLedger(const std::string& rep_id, LedgerBooks::Book& book,
                         const v1::LedgerLinesRecorded& event,
                         const eventsourcing::EnvelopeMetadata& metadata,
                         const std::string& deal_id, absl::Time at);
  // An event for another stream, appended at `expected_version` (its first event's).
  absl::Status AddOther(const std::string& stream_id, int64_t expected_version,
                        const google::protobuf::Message& wrapper,
                        const eventsourcing::EnvelopeMetadata& metadata, const std::string& deal_id,
                        absl::Time at);

  // Appends everything gathered in one AppendAll (under `idempotency_key`, when not empty) and
  // moves the books on; then gathers afresh. Returns the version of the first stream appended
  // (0 when nothing was gathered). On an error nothing was written and the books involved are
  // forgotten.
  absl::StatusOr<uint64_t> Commit(const std::string& idempotency_key = "",
                                  const std::string& idempotency_fingerprint = "");

 private:
  eventstore::AppendRequest& StreamAppend(const std::string& stream_id, int64_t expected_version,
                                          LedgerBooks::Book* book, const std::string& rep_id);
  void ForgetDecided();

  eventstore::EventStore& store_;
  LedgerBooks& books_;
  eventstore::MultiAppendRequest multi_;
  absl::flat_hash_map<std::string, size_t> index_;  // stream id → its append in multi_
  struct Owner {
    std::string rep_id;                 // "" for another stream
    LedgerBooks::Book* book = nullptr;  // the rep's
  };
  std::vector<Owner> owners_;  // per append in multi_
};

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_APP_LEDGER_APPEND_H_
