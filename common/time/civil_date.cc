#include "common/time/civil_date.h"

#include <cstdint>

#include "absl/strings/str_format.h"
#include "common/status/errors.h"

namespace sales {

absl::Status ValidateDate(absl::string_view field, const sales::common::v1::Date& date) {
  if (date.year() < 1 || date.year() > 9999) return InvalidField(field, "year not in 1–9999");
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.month() != date.month() || day.day() != date.day() || date.month() < 1 ||
      date.day() < 1) {
    return InvalidField(
        field, absl::StrFormat("%d-%d-%d is not a date", date.year(), date.month(), date.day()));
  }
  return absl::OkStatus();
}

absl::CivilDay ToCivilDay(const sales::common::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

sales::common::v1::Date ToDate(absl::CivilDay day) {
  sales::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace sales
