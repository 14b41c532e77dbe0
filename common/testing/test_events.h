// Builders of envelopes for tests: a payload of a well-known type, so that tests of the
// shared machinery need no domain protos.
//
//   request.events.push_back(sales::testing::TextEvent("hello"));
#ifndef SALES_COMMON_TESTING_TEST_EVENTS_H_
#define SALES_COMMON_TESTING_TEST_EVENTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/wrappers.pb.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::testing {

// An envelope whose payload is a google.protobuf.StringValue holding `text`.
inline sales::common::v1::EventEnvelope TextEvent(absl::string_view text,
                                                  absl::string_view deal_id = "") {
  sales::common::v1::EventEnvelope event;
  google::protobuf::StringValue value;
  value.set_value(std::string(text));
  event.mutable_payload()->PackFrom(value);
  event.set_actor("test");
  event.set_deal_id(std::string(deal_id));
  return event;
}

// The text of an envelope made by TextEvent ("" for another payload type).
inline std::string TextOf(const sales::common::v1::EventEnvelope& event) {
  google::protobuf::StringValue value;
  return event.payload().UnpackTo(&value) ? value.value() : "";
}

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_TEST_EVENTS_H_
