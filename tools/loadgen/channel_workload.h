// The channels command mix of the load generator. SetUpCatalogue adds, under the run's prefix,
// a catalogue of SKUs over the organisation's product lines; each ChannelClient then registers
// and activates its own two distributors (agreement over every region and product line, FLAG
// policy) and sends, one call per RunNext():
//
//   40 % CheckOrderEligibility — 10 lines of random SKUs at list price ±3 %, a random region
//   25 % SetChannelPrice      — a random SKU from one of 4 dates, list price ±10 % (some flagged)
//   20 % Claim                — a customer of a pool shared by every client, so that claims of
//                               different clients' channels collide and raise conflicts
//   10 % GetChannel
//    5 % RecordEnablement
//
//   ASSIGN_OR_RETURN(Catalogue catalogue, SetUpCatalogue(*stub, org));
//   ChannelClient client(stub.get(), org, catalogue, /*client_index=*/0);
//   RETURN_IF_ERROR(client.SetUp());
//   CallOutcome outcome = client.RunNext();
//
// Every command carries a unique idempotency key. A channel never claims a customer twice (that
// is a refusal, not load). Thread-safety: SetUpCatalogue is a sequence of blocking calls; a
// ChannelClient is thread-compatible (one per thread). The stub must outlive the client.
#ifndef SALES_TOOLS_LOADGEN_CHANNEL_WORKLOAD_H_
#define SALES_TOOLS_LOADGEN_CHANNEL_WORKLOAD_H_

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sales/channels/v1/channels.grpc.pb.h"
#include "tools/loadgen/call_outcome.h"
#include "tools/loadgen/org_setup.h"

namespace sales::loadgen {

struct Catalogue {
  std::vector<std::string> skus;
  int64_t list_price_units = 0;  // every SKU's, in CNY fen
};

// `skus` SKUs, listed from 2025-01-01.
absl::StatusOr<Catalogue> SetUpCatalogue(sales::channels::v1::ChannelService::Stub& stub,
                                         const Organisation& org, int skus);

class ChannelClient {
 public:
  // `client_index` (0–999) must be unique within the run: it names the client's channels and
  // idempotency keys.
  ChannelClient(sales::channels::v1::ChannelService::Stub* stub, const Organisation& org,
                const Catalogue& catalogue, int client_index);

  // Registers, activates and signs the agreements of the client's channels (not timed).
  absl::Status SetUp();
  CallOutcome RunNext();

 private:
  CallOutcome CheckOrder();
  CallOutcome SetPrice();
  CallOutcome Claim();
  CallOutcome GetChannel();
  CallOutcome RecordEnablement();
  template <typename Request, typename Response>
  CallOutcome Send(const char* kind,
                   grpc::Status (sales::channels::v1::ChannelService::Stub::*method)(
                       grpc::ClientContext*, const Request&, Response*),
                   const Request& request, Response* response);
  template <typename Request>
  void Stamp(Request& request);  // actor and a unique idempotency key
  int Uniform(int low, int high);
  const std::string& Channel();
  int64_t PriceAround(int percent);

  sales::channels::v1::ChannelService::Stub* const stub_;
  const Organisation& org_;
  const Catalogue& catalogue_;
  const int client_index_;
  std::vector<std::string> channels_;
  std::set<std::pair<std::string, int>> claimed_;  // (channel, customer) pairs already claimed
  std::mt19937 random_;
  int64_t commands_sent_ = 0;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_CHANNEL_WORKLOAD_H_
