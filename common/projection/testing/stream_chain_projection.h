// StreamChainProjection: a read model for tests and benchmarks that makes every mistake of a
// runner visible in the checksum. Per (service, stream id) it keeps the number of events applied
// and a SHA-256 chain over (stream id, version, event type) of each of them, so:
//   * a double application, a skipped event or an out-of-order event changes the checksum;
//   * the interleaving of different streams does not (each key depends on one stream only),
//     which is exactly the Projection contract (projection.h).
// An event whose type is kPoisonEventType is refused with INVALID_ARGUMENT (a poison event).
// It decodes payloads ahead (Projection::DecodePayload) into a copy that ApplyDecoded checks
// against the event's own, so that a runner pairing an event with another's payload fails, and
// it counts the events applied that way (decoded_ahead()).
//
//   StreamChainProjection projection;
//   ASSIGN_OR_RETURN(auto runner, ProjectionRunner::Create(&projection, options));
//   ...
//   ASSIGN_OR_RETURN(StreamChainProjection::Entry entry,
//                    StreamChainProjection::Read(runner->store(), "leads", "lead-1"));
//   EXPECT_EQ(entry.count, 3);
//
// Thread-safety: stateless but for the count of decoded_ahead() (atomic); Apply may be called
// from any thread.
#ifndef SALES_COMMON_PROJECTION_TESTING_STREAM_CHAIN_PROJECTION_H_
#define SALES_COMMON_PROJECTION_TESTING_STREAM_CHAIN_PROJECTION_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"

namespace sales::projection::testing {

inline constexpr absl::string_view kPoisonEventType = "sales.testing.v1.Poison";

class StreamChainProjection : public Projection {
 public:
  struct Entry {
    uint64_t count = 0;
    std::string chain;  // hex SHA-256; empty before the first event
  };

  absl::string_view name() const override { return "stream-chain"; }
  absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) override;
  const google::protobuf::Message* DecodePayload(const EventEnvelope& event,
                                                 google::protobuf::Arena& arena) const override;
  // INTERNAL when `payload` is not the event's own.
  absl::Status ApplyDecoded(const EventEnvelope& event, const google::protobuf::Message& payload,
                            ProjectionTxn& txn) override;

  // Events applied through ApplyDecoded so far.
  uint64_t decoded_ahead() const { return decoded_ahead_.load(std::memory_order_relaxed); }

  // The committed entry of a stream (count 0 when none).
  static absl::StatusOr<Entry> Read(ProjectionStore& store, absl::string_view service,
                                    absl::string_view stream_id);

 private:
  std::atomic<uint64_t> decoded_ahead_{0};
};

}  // namespace sales::projection::testing

#endif  // SALES_COMMON_PROJECTION_TESTING_STREAM_CHAIN_PROJECTION_H_
