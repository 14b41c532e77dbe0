// Automatic assignment of a lead to a rep (分配销售人员跟进).
//
// The territory rule covering the lead's (company region, product line, segment) names the
// team (overlaps are refused, so at most one rule matches); inside the team the rep with the
// fewest open leads wins, ties going to the smallest rep id.
//
//   RepLoads loads = {{"rep-1", 4}, {"rep-2", 2}};
//   ASSIGN_OR_RETURN(Assignee who, ChooseAssignee(org, lead, loads));
//
// Errors: rule "no_territory" naming the lead's (region, product line, segment); rule
// "team_has_no_reps". Pure function; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_ASSIGNMENT_H_
#define SALES_SERVICES_LEADS_DOMAIN_ASSIGNMENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "sales/leads/v1/model.pb.h"
#include "sales/org/v1/model.pb.h"

namespace sales::leads {

// Open leads per rep id; a rep missing from the map has 0.
using RepLoads = std::map<std::string, int64_t, std::less<>>;

struct Assignee {
  std::string rep_id;
  std::string team_id;
};

absl::StatusOr<Assignee> ChooseAssignee(const org::v1::SalesOrganisation& org, const v1::Lead& lead,
                                        const RepLoads& open_loads);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_ASSIGNMENT_H_
