// What the salesctl groups of PerformanceService share ("performance", "alerts", "forecast"):
// the scope flags (--rep, --team, --region, --product-line, --channel), and money and dimension
// names as the tables print them.
//
//   for (FlagSpec& flag : ScopeFilterFlags()) flags.push_back(std::move(flag));
//   RETURN_IF_ERROR(ParseScopeFilter(args, request));  // any request with a PerformanceFilter
//
// Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_FLAGS_H_
#define SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_FLAGS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "sales/projections/v1/performance.pb.h"
#include "tools/salesctl/commands.h"

namespace sales::salesctl {

// The dimension flags, in the order of PerformanceDimension: ("rep", REP), ("team", TEAM), …
const std::vector<std::pair<std::string, projections::v1::PerformanceDimension>>& DimensionFlags();

// --rep … --channel: "only this <dimension> id".
std::vector<FlagSpec> ScopeFilterFlags();

// Sets request.filter from the one scope flag given (none: the whole organisation);
// INVALID_ARGUMENT naming the flag when more than one is.
template <typename Request>
absl::Status ParseScopeFilter(const CommandArgs& args, Request& request) {
  for (const auto& [name, dimension] : DimensionFlags()) {
    if (!args.Has(name)) continue;
    if (request.has_filter()) {
      return InvalidField(absl::StrCat("--", name), "give at most one of the filter flags");
    }
    request.mutable_filter()->set_dimension(dimension);
    request.mutable_filter()->set_value(args.Get(name));
  }
  return absl::OkStatus();
}

// "rep", "product_line" (the enum value's short name).
std::string DimensionName(projections::v1::PerformanceDimension dimension);

// Minor units as money ("1,234.56 CNY"); a mean rounded to the minor unit.
std::string Money(const std::string& currency, int64_t units);
std::string Money(const std::string& currency, double units);

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_FLAGS_H_
