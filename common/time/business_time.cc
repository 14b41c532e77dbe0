#include "common/time/business_time.h"

namespace sales {

const absl::TimeZone& BusinessTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone();
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) *tz = absl::FixedTimeZone(8 * 3600);
    return tz;
  }();
  return *zone;
}

absl::CivilDay BusinessDayOf(absl::Time t) {
  return absl::CivilDay(absl::ToCivilSecond(t, BusinessTimeZone()));
}

}  // namespace sales
