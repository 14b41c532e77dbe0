// Target periods (销售目标分解: long-term into short-term): a year, a quarter or a month, written
// "2026", "2026-Q2", "2026-05". A year decomposes into its quarters, a quarter into its months.
//
//   ASSIGN_OR_RETURN(Period q2, ParsePeriod("2026-Q2"));
//   for (const Period& month : Children(q2)) ...   // 2026-04, 2026-05, 2026-06
//   PeriodOf(PeriodKind::kQuarter, absl::CivilDay(2026, 5, 20)) == q2
//
// Days are business days (the caller's time zone). Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_PERIODS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_PERIODS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace sales::incentives {

enum class PeriodKind { kYear, kQuarter, kMonth };

struct Period {
  PeriodKind kind = PeriodKind::kYear;
  int year = 0;   // 1–9999
  int index = 0;  // quarter 1–4 or month 1–12; 0 for a year

  friend bool operator==(const Period&, const Period&) = default;
};

// INVALID_ARGUMENT "field <field>: …" for anything but "YYYY", "YYYY-Qn" or "YYYY-MM".
absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field = "period");
std::string PeriodName(const Period& period);

// The quarters of a year, the months of a quarter; none for a month.
std::vector<Period> Children(const Period& period);
// The year of a quarter, the quarter of a month; nullopt for a year.
std::optional<Period> Parent(const Period& period);

Period PeriodOf(PeriodKind kind, absl::CivilDay day);
absl::CivilDay FirstDay(const Period& period);
absl::CivilDay LastDay(const Period& period);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_PERIODS_H_
