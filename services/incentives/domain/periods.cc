#include "services/incentives/domain/periods.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/errors.h"

namespace sales::incentives {
namespace {

absl::Status NotAPeriod(absl::string_view field) {
  return InvalidField(field, "must be a year (2026), a quarter (2026-Q2) or a month (2026-05)");
}

bool ParseNumber(absl::string_view text, size_t digits, int& value) {
  return text.size() == digits && absl::SimpleAtoi(text, &value);
}

}  // namespace

absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field) {
  Period period;
  if (text.size() < 4 || !ParseNumber(text.substr(0, 4), 4, period.year) || period.year < 1) {
    return NotAPeriod(field);
  }
  const absl::string_view rest = text.substr(4);
  if (rest.empty()) return period;
  if (rest.size() == 3 && rest[0] == '-' && rest[1] == 'Q' && rest[2] >= '1' && rest[2] <= '4') {
    period.kind = PeriodKind::kQuarter;
    period.index = rest[2] - '0';
    return period;
  }
  if (rest.size() == 3 && rest[0] == '-' && ParseNumber(rest.substr(1), 2, period.index) &&
      period.index >= 1 && period.index <= 12) {
    period.kind = PeriodKind::kMonth;
    return period;
  }
  return NotAPeriod(field);
}

std::string PeriodName(const Period& period) {
  switch (period.kind) {
    case PeriodKind::kYear:
      return absl::StrFormat("%04d", period.year);
    case PeriodKind::kQuarter:
      return absl::StrFormat("%04d-Q%d", period.year, period.index);
    case PeriodKind::kMonth:
      return absl::StrFormat("%04d-%02d", period.year, period.index);
  }
  return "";
}

std::vector<Period> Children(const Period& period) {
  std::vector<Period> children;
  if (period.kind == PeriodKind::kYear) {
    for (int quarter = 1; quarter <= 4; ++quarter) {
      children.push_back({PeriodKind::kQuarter, period.year, quarter});
    }
  } else if (period.kind == PeriodKind::kQuarter) {
    for (int month = 3 * period.index - 2; month <= 3 * period.index; ++month) {
      children.push_back({PeriodKind::kMonth, period.year, month});
    }
  }
  return children;
}

std::optional<Period> Parent(const Period& period) {
  switch (period.kind) {
    case PeriodKind::kYear:
      return std::nullopt;
    case PeriodKind::kQuarter:
      return Period{PeriodKind::kYear, period.year, 0};
    case PeriodKind::kMonth:
      return Period{PeriodKind::kQuarter, period.year, (period.index + 2) / 3};
  }
  return std::nullopt;
}

Period PeriodOf(PeriodKind kind, absl::CivilDay day) {
  const int year = static_cast<int>(day.year());
  switch (kind) {
    case PeriodKind::kYear:
      return {kind, year, 0};
    case PeriodKind::kQuarter:
      return {kind, year, (day.month() + 2) / 3};
    case PeriodKind::kMonth:
      return {kind, year, day.month()};
  }
  return {};
}

absl::CivilDay FirstDay(const Period& period) {
  switch (period.kind) {
    case PeriodKind::kYear:
      return absl::CivilDay(period.year, 1, 1);
    case PeriodKind::kQuarter:
      return absl::CivilDay(period.year, int64_t{3} * period.index - 2, 1);
    case PeriodKind::kMonth:
      return absl::CivilDay(period.year, period.index, 1);
  }
  return {};
}

absl::CivilDay LastDay(const Period& period) {
  switch (period.kind) {
    case PeriodKind::kYear:
      return absl::CivilDay(period.year, 12, 31);
    case PeriodKind::kQuarter:
      return absl::CivilDay(absl::CivilMonth(period.year, int64_t{3} * period.index) + 1) - 1;
    case PeriodKind::kMonth:
      return absl::CivilDay(absl::CivilMonth(period.year, period.index) + 1) - 1;
  }
  return {};
}

}  // namespace sales::incentives
