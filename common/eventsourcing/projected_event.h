// Decoding a projection's events into their aggregate's wrapper either ahead of applying them
// (Projection::DecodePayload, on a Kafka-mode runner's decoding thread) or when applying them,
// with one code path for both.
//
//   const google::protobuf::Message* DecodePayload(const EventEnvelope& event,
//                                                  google::protobuf::Arena& arena) const override {
//     return DecodeProjectedEventOnArena<orders::v1::OrderEvent>(kName, event.payload(), arena);
//   }
//   // Apply passes null, ApplyDecoded the message DecodePayload returned:
//   absl::Status ApplyOrder(const EventEnvelope& envelope, const google::protobuf::Message* ahead,
//                           ProjectionTxn& txn) {
//     return WithProjectedEvent<orders::v1::OrderEvent>(
//         kName, envelope.payload(), ahead, [&](const orders::v1::OrderEvent& event) { ... });
//   }
#ifndef SALES_COMMON_EVENTSOURCING_PROJECTED_EVENT_H_
#define SALES_COMMON_EVENTSOURCING_PROJECTED_EVENT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventsourcing/stack_arena_message.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"

namespace sales::eventsourcing {

// `payload` unpacked (UnpackProjectedEvent) into a new Wrapper on `arena`; null when it does not
// unpack: the projection's Apply then reports why, as it would without decoding ahead.
template <typename Wrapper>
const google::protobuf::Message* DecodeProjectedEventOnArena(absl::string_view projection,
                                                             const google::protobuf::Any& payload,
                                                             google::protobuf::Arena& arena) {
  Wrapper* wrapper = google::protobuf::Arena::CreateMessage<Wrapper>(&arena);
  if (!UnpackProjectedEvent(projection, payload, *wrapper).ok()) return nullptr;
  return wrapper;
}

// Returns apply(const Wrapper&) on `decoded_ahead` when it is a Wrapper — which must then be the
// one DecodeProjectedEventOnArena made from `payload` — else on `payload` unpacked here (on the
// stack, StackArenaMessage), or UnpackProjectedEvent's poison status when it does not unpack.
// A `decoded_ahead` of another type (a projection whose DecodePayload and ApplyDecoded disagree)
// is not used: the payload is decoded again rather than misread.
template <typename Wrapper, typename ApplyFn>
absl::Status WithProjectedEvent(absl::string_view projection, const google::protobuf::Any& payload,
                                const google::protobuf::Message* decoded_ahead, ApplyFn&& apply) {
  if (const Wrapper* ahead = google::protobuf::DynamicCastToGenerated<Wrapper>(decoded_ahead);
      ahead != nullptr) {
    return apply(*ahead);
  }
  StackArenaMessage<Wrapper> decoded;
  if (absl::Status unpacked = UnpackProjectedEvent(projection, payload, *decoded); !unpacked.ok()) {
    return unpacked;
  }
  return apply(*decoded);
}

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_PROJECTED_EVENT_H_
