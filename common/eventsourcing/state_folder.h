// StateFolder: "what did this aggregate look like after these events" — a fold of one stream
// with its context's own Evolve (DESIGN.md: the same evolve serves live handling, as-of audit and
// rebuilds; there is no second implementation). The audit service folds deal streams with it;
// each context declares its folder in its module (common/runtime/context_module.h).
//
//   // In the context: its aggregate state, its event wrapper, its Evolve.
//   const EvolveStateFolder<v1::Lead, v1::LeadEvent> kLeadFolder(&leads::Evolve);
//
//   std::unique_ptr<StateFolder::StreamFold> fold = kLeadFolder.Start();
//   for (each envelope of the stream, in version order) RETURN_IF_ERROR(fold->Add(envelope));
//   google::protobuf::Any state = fold->State();
//
// A fold takes one event at a time, so a reader decodes each stored event into one reused
// envelope instead of materialising the stream.
//
// Thread-safety: Start may be called concurrently; a StreamFold is used by one thread at a time.
#ifndef SALES_COMMON_EVENTSOURCING_STATE_FOLDER_H_
#define SALES_COMMON_EVENTSOURCING_STATE_FOLDER_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "google/protobuf/any.pb.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::eventsourcing {

class StateFolder {
 public:
  // One stream's fold in progress, from the aggregate's initial state.
  class StreamFold {
   public:
    virtual ~StreamFold() = default;
    // Folds the stream's next event (versions 1…n, in order) with the context's Evolve.
    // FAILED_PRECONDITION naming the version when it cannot be folded (it does not decode as one
    // of the aggregate's events); the state is then unspecified.
    virtual absl::Status Add(const common::v1::EventEnvelope& event) = 0;
    // The state after the events added so far, packed in an Any.
    virtual google::protobuf::Any State() const = 0;
  };

  virtual ~StateFolder() = default;
  virtual std::unique_ptr<StreamFold> Start() const = 0;
};

// Folders by context name ("leads", "orders", …); not owned.
using StateFolders = std::map<std::string, const StateFolder*>;

// The folder of any context whose aggregate is a message `State` evolved by
// `State Evolve(State, const Event&)`, `Event` being the context's event wrapper (a oneof of its
// events, as UnpackEvent decodes them).
// (The state type is StateMessage: StreamFold::State() would hide a parameter named State.)
template <typename StateMessage, typename Event>
class EvolveStateFolder final : public StateFolder {
 public:
  using EvolveFunction = StateMessage (*)(StateMessage, const Event&);

  explicit EvolveStateFolder(EvolveFunction evolve) : evolve_(evolve) {}

  std::unique_ptr<StreamFold> Start() const override { return std::make_unique<Fold>(evolve_); }

 private:
  // Evolve takes and returns the state by value; moving a heap message swaps its fields, so the
  // state is never copied per event. The event wrapper is reused so its oneof storage is too.
  class Fold final : public StreamFold {
   public:
    explicit Fold(EvolveFunction evolve) : evolve_(evolve) {}

    absl::Status Add(const common::v1::EventEnvelope& envelope) override {
      absl::Status decoded = UnpackEvent(envelope.payload(), event_);
      if (!decoded.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("stream ", envelope.stream_id(), " version ", envelope.stream_version(),
                         " cannot be folded: ", decoded.message()));
      }
      state_ = evolve_(std::move(state_), event_);
      return absl::OkStatus();
    }

    google::protobuf::Any State() const override {
      google::protobuf::Any state;
      state.PackFrom(state_);
      return state;
    }

   private:
    const EvolveFunction evolve_;
    StateMessage state_;
    Event event_;
  };

  const EvolveFunction evolve_;
};

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_STATE_FOLDER_H_
