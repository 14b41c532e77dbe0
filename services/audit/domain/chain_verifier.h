// ChainVerifier: checks one stream's hash chain over its stored bytes (the tamper check of
// DOMAIN.md section 6). Every envelope records in prev_event_hash the SHA-256 of the previous
// event's stored bytes, and the store's stream head records the hash of the last one, so a
// changed, removed or reordered event breaks the chain at a point this names.
//
//   ChainVerifier verifier("lead-L-1");
//   for (const eventstore::StoredEvent& event : page) {
//     if (!verifier.Add(event)) break;  // the first mismatch is found; the rest cannot help
//   }
//   StreamCheck check = verifier.Finish(head);
//   if (!check.intact) std::cout << check.first_bad_version << ": " << check.problem;
//
// Which event is named: an event whose envelope does not decode, names another stream or
// version, or records a wrong hash for version 1 is named itself. When version v records a
// prev_event_hash that is not the hash of version v−1's stored bytes, version v−1 is named: the
// chain alone cannot tell whether v−1's bytes or v's recorded hash were changed, and the earlier
// event is the first that no longer matches what the stream recorded about it. The last event
// is checked against the stream head in the same way.
//
// Pure; thread-compatible (one verifier per stream check).
#ifndef SALES_SERVICES_AUDIT_DOMAIN_CHAIN_VERIFIER_H_
#define SALES_SERVICES_AUDIT_DOMAIN_CHAIN_VERIFIER_H_

#include <cstdint>
#include <string>

#include "common/eventstore/event_store.h"

namespace sales::audit {

struct StreamCheck {
  uint64_t events_checked = 0;
  bool intact = true;
  uint64_t first_bad_version = 0;
  std::string first_bad_event_id;  // empty when that event does not decode
  std::string problem;
};

class ChainVerifier {
 public:
  explicit ChainVerifier(std::string stream_id) : stream_id_(std::move(stream_id)) {}

  // Checks the next stored event (in version order). False once a mismatch has been found.
  bool Add(const eventstore::StoredEvent& event);
  // The result, after checking the last event against the stream head.
  StreamCheck Finish(const eventstore::StreamHead& head);

 private:
  void Fail(uint64_t version, std::string event_id, std::string problem);

  const std::string stream_id_;
  StreamCheck check_;
  std::string previous_hash_;  // of the last added event's stored bytes
  std::string previous_event_id_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_DOMAIN_CHAIN_VERIFIER_H_
