#include "services/leads/domain/assignment.h"

#include <tuple>

#include "absl/strings/str_format.h"
#include "common/status/errors.h"
#include "services/org/domain/org.h"

namespace sales::leads {

absl::StatusOr<Assignee> ChooseAssignee(const org::v1::SalesOrganisation& org, const v1::Lead& lead,
                                        const RepLoads& open_loads) {
  org::v1::TerritoryKey key;
  key.set_region_id(lead.details().company().region_id());
  key.set_product_line_id(lead.details().product_line_id());
  key.set_segment_id(lead.details().segment_id());
  const org::v1::TerritoryRule* rule = org::FindTerritoryRule(org, key);
  if (rule == nullptr) {
    return RuleViolated("no_territory",
                        absl::StrFormat("no territory rule covers (%s, %s, %s)", key.region_id(),
                                        key.product_line_id(), key.segment_id()));
  }
  const org::v1::Rep* best = nullptr;
  int64_t best_load = 0;
  for (const org::v1::Rep& rep : org.reps()) {
    if (rep.team_id() != rule->team_id()) continue;
    auto it = open_loads.find(rep.rep_id());
    const int64_t load = it == open_loads.end() ? 0 : it->second;
    if (best == nullptr || std::tie(load, rep.rep_id()) < std::tie(best_load, best->rep_id())) {
      best = &rep;
      best_load = load;
    }
  }
  if (best == nullptr) {
    return RuleViolated("team_has_no_reps",
                        absl::StrFormat("team '%s' (territory rule '%s') has no reps",
                                        rule->team_id(), rule->rule_id()));
  }
  return Assignee{best->rep_id(), best->team_id()};
}

}  // namespace sales::leads
