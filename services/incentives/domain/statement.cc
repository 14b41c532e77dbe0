#include "services/incentives/domain/statement.h"

#include <set>

#include "absl/strings/str_format.h"
#include "common/money/rounding.h"
#include "services/incentives/domain/periods.h"

namespace sales::incentives {

std::string NextLedgerPeriod(const std::string& period) {
  absl::StatusOr<Period> month = ParsePeriod(period);
  if (!month.ok() || month->kind != PeriodKind::kMonth) return period;
  const absl::CivilMonth next = absl::CivilMonth(month->year, month->index) + 1;
  return absl::StrFormat("%04d-%02d", next.year(), next.month());
}

std::string PostingPeriod(const std::string& period, const std::string& last_closed) {
  // "YYYY-MM" compares in time order.
  if (last_closed.empty() || period > last_closed) return period;
  return NextLedgerPeriod(last_closed);
}

void StatementFold::AddLedger(const v1::LedgerLinesRecorded& recorded) {
  Posted& posted =
      posted_[recorded.posted_period().empty() ? recorded.period() : recorded.posted_period()];
  for (const v1::LedgerLine& line : recorded.lines()) posted.lines.push_back(line);
  for (const v1::MetricCredit& credit : recorded.credits()) {
    posted.credited[credit.metric()] += credit.amount();  // every product line
  }
}

Statement StatementFold::StatementOf(const std::string& period,
                                     const std::map<v1::Metric, int64_t>& targets) const {
  Statement statement{.rep_id = rep_id_, .period = period};
  std::map<v1::Metric, int64_t> credited;
  if (const auto found = posted_.find(period); found != posted_.end()) {
    statement.lines = found->second.lines;
    credited = found->second.credited;
  }
  for (const v1::LedgerLine& line : statement.lines) {
    statement.total_by_kind[line.kind()] += line.amount().units();
    statement.earnings += line.amount().units();
  }
  std::set<v1::Metric> metrics;
  for (const auto& [metric, value] : credited) metrics.insert(metric);
  for (const auto& [metric, value] : targets) metrics.insert(metric);
  for (const v1::Metric metric : metrics) {
    MetricLine line{.metric = metric};
    if (const auto found = credited.find(metric); found != credited.end()) {
      line.credited = found->second;
    }
    if (const auto found = targets.find(metric); found != targets.end()) {
      line.target = found->second;
    }
    if (line.target > 0) {
      line.attainment_bp =
          money::DivideHalfEven(static_cast<__int128>(line.credited) * 10'000, line.target);
    }
    statement.metrics.push_back(line);
  }
  return statement;
}

}  // namespace sales::incentives
