// The orders command mix of the load generator. SetUpOrderWorld adds, under the run's prefix, an
// active direct channel (a web store: no partner, so no agreement to check), stock of every SKU of
// the run's catalogue (channel_workload.h) and one customer per client with a limit no order
// reaches; an OrderClient then drives orders through their lifecycle, one command per RunNext():
//
//   place (3 lines of random SKUs, 1–3 units, the channel's list price) → confirm (reserves
//   every line with the order: one multi-stream append) → ship → deliver → invoice → pay
//
// Each client keeps 4 orders in flight and takes them in turn, so consecutive commands of a
// client touch different orders, and every client's confirmations and shipments contend on the
// same SKUs' stock streams. Every command carries a unique idempotency key.
//
//   ASSIGN_OR_RETURN(OrderWorld world, SetUpOrderWorld(*channels, *orders, org, catalogue, 8));
//   OrderClient client(stub.get(), world, /*client_index=*/0);
//   CallOutcome outcome = client.RunNext();
//
// An order whose command fails is abandoned; the failure is the outcome. Thread-safety:
// SetUpOrderWorld is a sequence of blocking calls; an OrderClient is thread-compatible (one per
// thread). The stub must outlive the client.
#ifndef SALES_TOOLS_LOADGEN_ORDER_WORKLOAD_H_
#define SALES_TOOLS_LOADGEN_ORDER_WORKLOAD_H_

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sales/channels/v1/channels.grpc.pb.h"
#include "sales/orders/v1/orders.grpc.pb.h"
#include "tools/loadgen/call_outcome.h"
#include "tools/loadgen/channel_workload.h"
#include "tools/loadgen/org_setup.h"

namespace sales::loadgen {

struct OrderWorld {
  std::string prefix;
  std::string channel_id;
  std::vector<std::string> skus;
  int64_t list_price_units = 0;        // every SKU's (CNY fen); no channel price is set
  std::vector<std::string> customers;  // one per client
  std::vector<std::string> reps;
};

// Also waits (up to a minute) until the orders service's replicas know the channel and the SKUs:
// a probe order is placed and cancelled.
absl::StatusOr<OrderWorld> SetUpOrderWorld(sales::channels::v1::ChannelService::Stub& channels,
                                           sales::orders::v1::OrderService::Stub& orders,
                                           const Organisation& org, const Catalogue& catalogue,
                                           int clients);

class OrderClient {
 public:
  OrderClient(sales::orders::v1::OrderService::Stub* stub, const OrderWorld& world,
              int client_index);
  CallOutcome RunNext();

 private:
  enum class Step { kConfirm, kShip, kDeliver, kInvoice, kPay };
  struct OrderInFlight {
    std::string order_id;
    int64_t total_units = 0;
    std::deque<Step> steps;
  };
  CallOutcome Place();
  CallOutcome RunStep(OrderInFlight& order, Step step);
  std::string NextKey();
  int Uniform(int low, int high);

  sales::orders::v1::OrderService::Stub* const stub_;
  const OrderWorld& world_;
  const int client_index_;
  std::vector<OrderInFlight> in_flight_;
  size_t next_in_turn_ = 0;
  int64_t orders_started_ = 0;
  int64_t commands_sent_ = 0;
  std::mt19937 random_;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_ORDER_WORKLOAD_H_
