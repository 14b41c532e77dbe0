// A rep's commission statement for a month (../shared/DOMAIN.md §4 "Statements per rep per
// period"), folded from the rep's ledger events — the one fold for today's statement and for the
// statement as of any past instant (fold only what was recorded by then).
//
// Period close: a period is closed, then approved by a manager; periods close in month order.
// A ledger event of a period that was already closed when it was recorded (a late order event, an
// adjustment) posts to the first period still open then (PostingPeriod, recorded in the event as
// posted_period) — the closed statement never changes.
//
//   StatementFold fold("zhang.min");
//   for (each event of "ledger-zhang.min") fold.AddLedger(recorded);
//   Statement may = fold.StatementOf("2026-05", {{v1::METRIC_REVENUE, 50'000'00}});
//   // may.closed etc. are the caller's to fill from the periods' aggregate
//
// Pure; not thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_STATEMENT_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_STATEMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sales/incentives/v1/events.pb.h"

namespace sales::incentives {

struct MetricLine {
  v1::Metric metric = v1::METRIC_UNSPECIFIED;
  int64_t credited = 0;
  int64_t target = 0;
  // credited ÷ target in basis points, half-even; nullopt (undefined) when the target is 0.
  std::optional<int64_t> attainment_bp;
};

struct Statement {
  std::string rep_id;
  std::string period;
  std::vector<v1::LedgerLine> lines;     // posted to the period, in recording order; a line whose
                                         // own period is earlier came in after that one closed
  std::map<int, int64_t> total_by_kind;  // v1::LineKind → Σ amount
  int64_t earnings = 0;                  // Σ every line
  std::vector<MetricLine> metrics;       // every metric credited or targeted, in metric order
};

class StatementFold {
 public:
  explicit StatementFold(std::string rep_id) : rep_id_(std::move(rep_id)) {}

  // The rep's ledger events in their stream's order.
  void AddLedger(const v1::LedgerLinesRecorded& recorded);

  // `targets`: the rep's targets for the period by metric (absent: 0, undefined attainment).
  Statement StatementOf(const std::string& period,
                        const std::map<v1::Metric, int64_t>& targets) const;

 private:
  struct Posted {
    std::vector<v1::LedgerLine> lines;
    std::map<v1::Metric, int64_t> credited;
  };
  std::string rep_id_;
  std::map<std::string, Posted> posted_;  // by posting period
};

// The month after "YYYY-MM".
std::string NextLedgerPeriod(const std::string& period);

// The month a ledger event of `period` recorded now posts to, when `last_closed` is the latest
// closed month ("" when none): `period` itself, or the month after the last closed one.
std::string PostingPeriod(const std::string& period, const std::string& last_closed);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_STATEMENT_H_
