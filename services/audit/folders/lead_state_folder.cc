#include "services/audit/folders/lead_state_folder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/model.pb.h"
#include "services/leads/domain/lead.h"

namespace sales::audit {
namespace {

// Evolve takes and returns the Lead by value; moving a heap message swaps its fields, so the
// state is never copied per event. The event wrapper is reused so its oneof storage is too.
class LeadFold final : public DealStateFolder::StreamFold {
 public:
  absl::Status Add(const common::v1::EventEnvelope& envelope) override {
    absl::Status decoded = eventsourcing::UnpackEvent(envelope.payload(), event_);
    if (!decoded.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("stream ", envelope.stream_id(),
                                                        " version ", envelope.stream_version(),
                                                        " cannot be folded: ", decoded.message()));
    }
    lead_ = leads::Evolve(std::move(lead_), event_);
    return absl::OkStatus();
  }

  google::protobuf::Any State() const override {
    google::protobuf::Any state;
    state.PackFrom(lead_);
    return state;
  }

 private:
  leads::v1::Lead lead_;
  leads::v1::LeadEvent event_;
};

}  // namespace

std::unique_ptr<DealStateFolder::StreamFold> LeadStateFolder::Start() const {
  return std::make_unique<LeadFold>();
}

}  // namespace sales::audit
