// DealStateFolder: how the audit service computes "what the deal looked like" from one service's
// stream — by folding it with that service's own Evolve (DESIGN.md: the same evolve serves live
// handling, as-of audit and rebuilds; there is no second implementation here).
//
// Each write service contributes one folder for the aggregate whose stream concerns a deal (the
// leads service: the Lead, see services/audit/folders/lead_state_folder.h); the composition
// (salesd, a test) registers them by service name in DealStateFolders. A service without a
// folder still has its events in the history; as-of then lists its streams unfolded.
//
//   class OrderFolder : public DealStateFolder {
//     std::unique_ptr<StreamFold> Start() const override { … a fold holding an Order … }
//   };
//   DealStateFolders folders = {{"leads", &lead_folder}, {"orders", &order_folder}};
//   std::unique_ptr<DealStateFolder::StreamFold> fold = lead_folder.Start();
//   for (each envelope of the stream, in version order) RETURN_IF_ERROR(fold->Add(envelope));
//   google::protobuf::Any state = fold->State();
//
// A fold takes one event at a time, so the audit service decodes each stored event into one
// reused envelope instead of materialising the stream (that allocation churn was most of the
// as-of cost; see README "Latency").
//
// Thread-safety: Start may be called concurrently; a StreamFold is used by one thread at a time.
#ifndef SALES_SERVICES_AUDIT_DOMAIN_DEAL_STATE_FOLDER_H_
#define SALES_SERVICES_AUDIT_DOMAIN_DEAL_STATE_FOLDER_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/any.pb.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::audit {

class DealStateFolder {
 public:
  // One stream's fold in progress, from the aggregate's initial state.
  class StreamFold {
   public:
    virtual ~StreamFold() = default;
    // Folds the stream's next event (versions 1…n, in order) with the service's Evolve.
    // FAILED_PRECONDITION naming the version when it cannot be folded (it does not decode as one
    // of the aggregate's events); the state is then unspecified.
    virtual absl::Status Add(const common::v1::EventEnvelope& event) = 0;
    // The state after the events added so far, packed in an Any.
    virtual google::protobuf::Any State() const = 0;
  };

  virtual ~DealStateFolder() = default;
  virtual std::unique_ptr<StreamFold> Start() const = 0;
};

// Folders by service name ("leads", "orders", …); not owned.
using DealStateFolders = std::map<std::string, const DealStateFolder*>;

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_DOMAIN_DEAL_STATE_FOLDER_H_
