// The leads command mix of the load generator. SetUpOrganisation creates, under a run-unique id
// prefix, a sales organisation whose territory rules cover every (region, product line, segment);
// a LeadClient then drives leads through realistic stories, one command per RunNext():
//
//   capture → update qualification (rescoring) → assign by rule → 2–3 activities, a forward
//   stage move between them → convert → 1–2 forward sales steps → win or lose
//
// Each client keeps a few leads in flight and takes them in turn, so consecutive commands of one
// client touch different leads. About 2% of captures deliberately repeat the e-mail of one of the
// client's earlier leads and must be merged into it; every other capture has a unique e-mail,
// phone and company and must not be. Every command carries a unique idempotency key.
//
//   ASSIGN_OR_RETURN(Organisation org, SetUpOrganisation(*stub, "lg123456"));
//   LeadClient client(stub.get(), org, /*client_index=*/0);
//   CallOutcome outcome = client.RunNext();
//
// A lead whose command fails is abandoned (its story cannot go on); the failure is the outcome.
// A capture merged when it should not be (or not merged when it should) is reported as an
// INTERNAL outcome whose message says so.
//
// Thread-safety: SetUpOrganisation is a sequence of blocking calls; a LeadClient is
// thread-compatible (one per thread). The stub must outlive the client.
#ifndef SALES_TOOLS_LOADGEN_LEAD_WORKLOAD_H_
#define SALES_TOOLS_LOADGEN_LEAD_WORKLOAD_H_

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "sales/org/v1/org.grpc.pb.h"
#include "tools/loadgen/call_outcome.h"
#include "tools/loadgen/org_setup.h"

namespace sales::loadgen {

class LeadClient {
 public:
  // `client_index` (0–999) must be unique within the run: it names the client's leads,
  // idempotency keys, e-mails and phone numbers.
  LeadClient(sales::leads::v1::LeadService::Stub* stub, const Organisation& org, int client_index);

  // Sends the next command of the next lead in turn and returns its outcome.
  CallOutcome RunNext();

 private:
  enum class Step { kQualify, kAssign, kActivity, kMoveStage, kConvert, kSalesStep, kWin, kLose };
  struct LeadInFlight {
    std::string lead_id;
    std::deque<Step> steps;  // what is left of its story
    int sales_step = 1;      // the deal's current step (SalesStep value), once converted
  };

  CallOutcome Capture();
  CallOutcome RunStep(LeadInFlight& lead, Step step);
  std::deque<Step> NewStory();
  // Fills the request's meta (actor, unique idempotency key), sends it with a deadline, times it.
  template <typename Request, typename Response>
  CallOutcome Send(const char* kind,
                   grpc::Status (sales::leads::v1::LeadService::Stub::*method)(grpc::ClientContext*,
                                                                               const Request&,
                                                                               Response*),
                   Request& request, Response* response);
  int Uniform(int low, int high);  // inclusive
  const std::string& Pick(const std::vector<std::string>& ids);

  sales::leads::v1::LeadService::Stub* const stub_;
  const Organisation& org_;
  const int client_index_;
  std::mt19937 random_;
  int64_t leads_started_ = 0;
  int64_t commands_sent_ = 0;
  std::vector<LeadInFlight> in_flight_;
  size_t next_in_turn_ = 0;
  // E-mails and lead ids of this client's captured leads, for deliberate duplicates.
  std::vector<std::pair<std::string, std::string>> captured_;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_LEAD_WORKLOAD_H_
