// Civil dates (sales.common.v1.Date) ↔ absl::CivilDay, and their validation, for every context's
// domain: effective dates, terms and due dates are business days, not instants.
//
//   RETURN_IF_ERROR(ValidateDate("terms.term_start", request.terms().term_start()));
//   const absl::CivilDay start = ToCivilDay(request.terms().term_start());
//
// Pure functions; thread-safe.
#ifndef SALES_COMMON_TIME_CIVIL_DATE_H_
#define SALES_COMMON_TIME_CIVIL_DATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "sales/common/v1/date.pb.h"

namespace sales {

// INVALID_ARGUMENT "field <field>: …" unless `date` is a real day from 0001-01-01 to 9999-12-31.
absl::Status ValidateDate(absl::string_view field, const sales::common::v1::Date& date);

// The day of a valid date (see ValidateDate; an invalid one is normalised as absl does).
absl::CivilDay ToCivilDay(const sales::common::v1::Date& date);
sales::common::v1::Date ToDate(absl::CivilDay day);

}  // namespace sales

#endif  // SALES_COMMON_TIME_CIVIL_DATE_H_
