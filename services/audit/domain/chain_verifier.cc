#include "services/audit/domain/chain_verifier.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace sales::audit {

void ChainVerifier::Fail(uint64_t version, std::string event_id, std::string problem) {
  check_.intact = false;
  check_.first_bad_version = version;
  check_.first_bad_event_id = std::move(event_id);
  check_.problem = std::move(problem);
}

bool ChainVerifier::Add(const eventstore::StoredEvent& event) {
  if (!check_.intact) return false;
  const uint64_t expected = check_.events_checked + 1;
  ++check_.events_checked;
  common::v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(event.bytes)) {
    Fail(expected, "", "stored bytes do not decode as an EventEnvelope");
    return false;
  }
  if (envelope.stream_id() != stream_id_ || envelope.stream_version() != expected ||
      event.stream_version != expected) {
    Fail(expected, envelope.event_id(),
         absl::StrCat("stored as version ", event.stream_version, " but the envelope says ",
                      envelope.stream_id(), " version ", envelope.stream_version(),
                      "; expected version ", expected));
    return false;
  }
  if (envelope.prev_event_hash() != previous_hash_) {
    if (expected == 1) {
      Fail(1, envelope.event_id(), "the first event records a previous-event hash");
    } else {
      Fail(expected - 1, previous_event_id_,
           absl::StrCat("stored bytes do not hash to the prev_event_hash recorded by version ",
                        expected, " (or that record was altered)"));
    }
    return false;
  }
  previous_hash_ = eventstore::EventHash(event.bytes);
  previous_event_id_ = envelope.event_id();
  return true;
}

StreamCheck ChainVerifier::Finish(const eventstore::StreamHead& head) {
  if (!check_.intact) return check_;
  const uint64_t stored = check_.events_checked;
  if (head.version != stored) {
    Fail(stored + 1, "",
         absl::StrCat("the stream head records version ", head.version, " but ", stored,
                      " events are stored"));
  } else if (head.last_event_hash != previous_hash_) {
    Fail(stored, previous_event_id_,
         "stored bytes do not hash to the hash recorded in the stream head");
  }
  return check_;
}

}  // namespace sales::audit
