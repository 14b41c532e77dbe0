#include "services/incentives/app/ledger_books.h"

#include <utility>

#include "common/eventsourcing/aggregate_loader.h"
#include "common/status/status_macros.h"
#include "services/incentives/domain/aggregates.h"

namespace sales::incentives {
namespace {

LedgerBooks::Book EvolveBook(LedgerBooks::Book book, const v1::LedgerEvent& event) {
  if (event.has_ledger_lines_recorded()) {
    book.ledger.Apply(event.ledger_lines_recorded());
    book.statements.AddLedger(event.ledger_lines_recorded());
  }
  return book;
}

StatementFold EvolveStatements(StatementFold fold, const v1::LedgerEvent& event) {
  if (event.has_ledger_lines_recorded()) fold.AddLedger(event.ledger_lines_recorded());
  return fold;
}

}  // namespace

absl::StatusOr<LedgerBooks::Book*> LedgerBooks::Get(const std::string& rep_id) {
  {
    absl::MutexLock lock(&mu_);
    if (auto found = books_.find(rep_id); found != books_.end()) return found->second.get();
  }
  // Loaded outside mu_: the caller serialises this rep, other reps go on meanwhile.
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::LedgerEvent>(
                                    store_, LedgerStreamId(rep_id), Book(rep_id), &EvolveBook));
  auto book = std::make_unique<Book>(*loaded.state);
  book->version = loaded.version;
  absl::MutexLock lock(&mu_);
  return (books_[rep_id] = std::move(book)).get();
}

void LedgerBooks::Book::Decide(const v1::LedgerLinesRecorded& event) {
  ledger.Apply(event);
  decided.push_back(event);
}

void LedgerBooks::Book::Stored(uint64_t stored_version) {
  for (const v1::LedgerLinesRecorded& event : decided) statements.AddLedger(event);
  decided.clear();
  version = stored_version;
}

void LedgerBooks::Forget(const std::string& rep_id) {
  absl::MutexLock lock(&mu_);
  books_.erase(rep_id);
}

absl::StatusOr<StatementFold> FoldStatementsAsOf(eventstore::EventStore& store,
                                                 const std::string& rep_id,
                                                 std::optional<absl::Time> as_of) {
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::LedgerEvent>(
                                    store, LedgerStreamId(rep_id), StatementFold(rep_id),
                                    &EvolveStatements, eventsourcing::FoldLimit::AsOf(as_of)));
  return *loaded.state;
}

}  // namespace sales::incentives
