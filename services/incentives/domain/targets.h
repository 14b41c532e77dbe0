// Target decomposition (销售目标分解) and its gaps: a target is set per org node (the company,
// a region, a team, a rep), period (year, quarter, month), metric (the KPI scorecard: revenue,
// volume, new customers, visits, proposals) and optionally product line. Children must sum to
// their parent — in the organisation (a region's target = Σ its teams') and in time (a year's =
// Σ its quarters') — and every difference is a gap, reported, never silently absorbed.
//
//   TargetTable targets = {{{"company", year, v1::METRIC_REVENUE, ""}, 1'000'000}, …};
//   for (const TargetGap& gap : ListTargetGaps(targets, org_children)) ...
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_TARGETS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_TARGETS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sales/incentives/v1/model.pb.h"
#include "services/incentives/domain/periods.h"

namespace sales::incentives {

// The company's node id in target keys (org nodes are region, team and rep ids).
inline constexpr char kCompanyNode[] = "company";

struct TargetKey {
  std::string node;
  Period period;
  v1::Metric metric = v1::METRIC_REVENUE;
  std::string product_line;  // "" for every product line

  friend bool operator<(const TargetKey& a, const TargetKey& b) {
    auto tie = [](const TargetKey& key) {
      return std::tie(key.node, key.period.kind, key.period.year, key.period.index, key.metric,
                      key.product_line);
    };
    return tie(a) < tie(b);
  }
};

using TargetTable = std::map<TargetKey, int64_t>;  // value in the metric's unit (minor units, …)

// The org nodes directly below `node` (company → regions → teams → reps; none below a rep).
using OrgChildren = std::function<std::vector<std::string>(const std::string& node)>;

enum class GapKind {
  kOrganisation,  // the node's target vs Σ its children nodes' for the same period
  kTime,          // the period's target vs Σ its sub-periods' for the same node
};

struct TargetGap {
  TargetKey parent;
  GapKind kind = GapKind::kOrganisation;
  int64_t parent_value = 0;
  int64_t children_sum = 0;  // over the children that have a target
  int64_t gap = 0;           // parent − Σ children: > 0 not allocated, < 0 over-allocated
  int children = 0;          // children nodes or sub-periods
  int children_with_target = 0;
};

// Every gap, in key order (organisation before time for the same target). A target whose node
// has children (or whose period has sub-periods) with no target at all is reported too, as not
// decomposed (children_with_target 0); a rep's month target has nothing to decompose into.
std::vector<TargetGap> ListTargetGaps(const TargetTable& targets, const OrgChildren& children);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_TARGETS_H_
