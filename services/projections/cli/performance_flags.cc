#include "services/projections/cli/performance_flags.h"

#include <cmath>

#include "tools/salesctl/format.h"

namespace sales::salesctl {

namespace v1 = ::sales::projections::v1;

const std::vector<std::pair<std::string, v1::PerformanceDimension>>& DimensionFlags() {
  static const auto* flags = new std::vector<std::pair<std::string, v1::PerformanceDimension>>{
      {"rep", v1::PERFORMANCE_DIMENSION_REP},
      {"team", v1::PERFORMANCE_DIMENSION_TEAM},
      {"region", v1::PERFORMANCE_DIMENSION_REGION},
      {"product-line", v1::PERFORMANCE_DIMENSION_PRODUCT_LINE},
      {"channel", v1::PERFORMANCE_DIMENSION_CHANNEL}};
  return *flags;
}

std::vector<FlagSpec> ScopeFilterFlags() {
  std::vector<FlagSpec> flags;
  for (const auto& [name, dimension] : DimensionFlags()) {
    flags.push_back({.name = name, .help = absl::StrCat("only this ", name, " id")});
  }
  return flags;
}

std::string DimensionName(v1::PerformanceDimension dimension) {
  return EnumShortName(*v1::PerformanceDimension_descriptor(), dimension);
}

std::string Money(const std::string& currency, int64_t units) {
  common::v1::Money money;
  money.set_currency(currency);
  money.set_units(units);
  return FormatMoney(money);
}

std::string Money(const std::string& currency, double units) {
  return Money(currency, static_cast<int64_t>(std::llround(units)));
}

}  // namespace sales::salesctl
