// LedgerBooks: every rep's commission ledger ("ledger-<rep>") kept folded in memory — the
// RepLedger the ledger's decisions read and the StatementFold statements are cut from — so that
// recording a line and printing a statement fold nothing but what is new.
//
//   absl::MutexLock lock(&locks.For(LedgerStreamId(rep)));   // the caller serialises the rep
//   ASSIGN_OR_RETURN(LedgerBooks::Book* book, books.Get(rep));
//   book->Decide(event);            // its RepLedger moves on: the next decision sees `event`
//   … append at book->version …
//   book->Stored(new_version);      // its statements move on; or books.Forget(rep) on a failure
//
// A book is loaded from the store on its first use and then moved on only by Decide and Stored:
// the app is the only writer of ledger streams, and its appends name the version the book is
// at, so a book that fell behind (another writer) makes the append fail, and Forget makes the
// next Get reload. Between Decide and Stored a book holds decided events that are not stored yet:
// its statements never show them, and the caller keeps the rep's lock until it either stored
// them or forgot the book (see LedgerAppend).
//
// Thread-safety: Get and Forget for one rep, and everything done to its book, must be serialised
// by the caller (the ledger stream's lock); different reps may be used concurrently.
#ifndef SALES_SERVICES_INCENTIVES_APP_LEDGER_BOOKS_H_
#define SALES_SERVICES_INCENTIVES_APP_LEDGER_BOOKS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/eventstore/event_store.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/statement.h"

namespace sales::incentives {

class LedgerBooks {
 public:
  struct Book {
    explicit Book(const std::string& rep_id) : ledger(rep_id), statements(rep_id) {}
    // `event` was decided: the ledger's next decisions see it; statements once it is Stored.
    void Decide(const v1::LedgerLinesRecorded& event);
    // Everything decided was appended; the rep's ledger stream is at `stored_version` now.
    void Stored(uint64_t stored_version);

    RepLedger ledger;                              // every decided event
    StatementFold statements;                      // every stored event
    uint64_t version = 0;                          // of the rep's ledger stream, as stored
    std::vector<v1::LedgerLinesRecorded> decided;  // decided, not stored yet
  };

  explicit LedgerBooks(eventstore::EventStore& store) : store_(store) {}

  // The rep's book (an empty one for a rep with no ledger yet).
  absl::StatusOr<Book*> Get(const std::string& rep_id);
  // Drops the rep's book: the next Get reloads it from the store.
  void Forget(const std::string& rep_id);

 private:
  eventstore::EventStore& store_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Book>> books_ ABSL_GUARDED_BY(mu_);
};

// A fold of the rep's ledger events recorded at or before `as_of` (the whole ledger when nullopt):
// what the book held then.
absl::StatusOr<StatementFold> FoldStatementsAsOf(eventstore::EventStore& store,
                                                 const std::string& rep_id,
                                                 std::optional<absl::Time> as_of);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_APP_LEDGER_BOOKS_H_
