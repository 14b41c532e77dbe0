// The organisation every load-generator workload runs in: SetUpOrganisation creates, under a
// run-unique id prefix, 3 regions, 2 product lines, 2 segments, a team per region (a manager and 2
// reps) and one territory rule per region covering every product line and segment.
//
//   ASSIGN_OR_RETURN(Organisation org, SetUpOrganisation(*org_stub, "123456"));
//
// Thread-safety: SetUpOrganisation is a sequence of blocking calls.
#ifndef SALES_TOOLS_LOADGEN_ORG_SETUP_H_
#define SALES_TOOLS_LOADGEN_ORG_SETUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "sales/org/v1/org.grpc.pb.h"

namespace sales::loadgen {

// The ids SetUpOrganisation created.
struct Organisation {
  std::string prefix;      // run-unique: every id, e-mail, phone and company of the run embeds it
  std::string run_digits;  // 6 digits, the phone-number form of the prefix
  std::vector<std::string> regions;
  std::vector<std::string> product_lines;
  std::vector<std::string> segments;
  std::vector<std::string> reps;  // every team's reps (not the managers)
};

// 6 random decimal digits: a run's id (SetUpOrganisation's prefix).
std::string NewRunDigits();

// `run_digits`: 6 decimal digits unique to the run; ids are prefixed with "lg<run_digits>".
absl::StatusOr<Organisation> SetUpOrganisation(sales::org::v1::OrgService::Stub& stub,
                                               absl::string_view run_digits);

// A setup call's status, prefixed "setting up <what>: ".
absl::Status SetupStatus(const grpc::Status& status, absl::string_view what);

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_ORG_SETUP_H_
