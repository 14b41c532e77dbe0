// How salesctl prints a KPI metric's value (sales.incentives.v1.Metric): money for revenue
// (minor units in `currency`), a count otherwise. Shared by the incentives groups and the
// performance dashboard's.
#ifndef SALES_SERVICES_INCENTIVES_CLI_METRIC_FORMAT_H_
#define SALES_SERVICES_INCENTIVES_CLI_METRIC_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "sales/common/v1/money.pb.h"
#include "sales/incentives/v1/model.pb.h"
#include "tools/salesctl/format.h"

namespace sales::salesctl {

inline std::string MetricValue(incentives::v1::Metric metric, int64_t value,
                               const std::string& currency) {
  if (metric != incentives::v1::METRIC_REVENUE) return absl::StrCat(value);
  common::v1::Money money;
  money.set_units(value);
  money.set_currency(currency);
  return FormatMoney(money);
}

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_INCENTIVES_CLI_METRIC_FORMAT_H_
