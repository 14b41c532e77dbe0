// EventCodec: between an aggregate's event wrapper and the envelope's payload.
//
// Each bounded context declares, per aggregate, a wrapper message with one oneof holding every
// concrete event (e.g. sales.leads.v1.LeadEvent { oneof event { LeadCaptured captured = 1; … } }).
// Decide returns wrappers and Evolve switches on the oneof case; the envelope carries the
// CONCRETE message in its google.protobuf.Any payload, so Kafka consumers, the event feed and
// auditors see precise types ("sales.leads.v1.LeadCaptured"), never the wrapper.
//
//   ASSIGN_OR_RETURN(google::protobuf::Any payload, PackEvent(lead_event));
//   envelope.mutable_payload()->Swap(&payload);
//   ...
//   sales::leads::v1::LeadEvent event;
//   RETURN_IF_ERROR(UnpackEvent(envelope.payload(), event));
//
// Thread-safety: stateless functions.
#ifndef SALES_COMMON_EVENTSOURCING_EVENT_CODEC_H_
#define SALES_COMMON_EVENTSOURCING_EVENT_CODEC_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"

namespace sales::eventsourcing {

// Packs the wrapper's set oneof field. INVALID_ARGUMENT if the wrapper has no oneof or none of
// its fields is set.
absl::StatusOr<google::protobuf::Any> PackEvent(const google::protobuf::Message& wrapper);

// Parses `payload` into the wrapper's oneof field of the payload's type. NOT_FOUND if the
// wrapper has no field of that type (an event of another aggregate, or of a newer schema this
// binary does not know); DATA_LOSS if the bytes do not parse.
absl::Status UnpackEvent(const google::protobuf::Any& payload, google::protobuf::Message& wrapper);

// Whether the wrapper's oneof has a field of message type `full_name`.
bool WrapperHolds(const google::protobuf::Message& wrapper, absl::string_view full_name);

// For a projection (common/projection/projection.h) that folds one aggregate's events: unpacks
// `payload` into `wrapper` with the contract's poison outcomes, messages prefixed by
// `projection`: UNIMPLEMENTED "<projection>: unknown event <type>" when the wrapper has no field
// of the payload's type (a newer event of the topic it reads), INVALID_ARGUMENT when the bytes
// do not parse. The caller has already decided that the event is one it folds (its stream).
absl::Status UnpackProjectedEvent(absl::string_view projection,
                                  const google::protobuf::Any& payload,
                                  google::protobuf::Message& wrapper);

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_EVENT_CODEC_H_
