// DecodeAhead: parses the Kafka messages a runner polls into EventEnvelopes on a second thread,
// a chunk at a time, while the runner applies the chunk before — and, for a projection that
// offers it (Projection::DecodePayload), each envelope's payload too. Decoding is a fifth of
// what a Kafka-mode runner would spend per event, and the runner thread is what bounds a catch-up
// (services/projections/performance/README.md, "Catch-up"); the other core has room.
//
//   DecodeAhead decoder(&projection, "decode:performance");
//   decoder.Add(std::move(message), source, spare_envelope);   // as messages are polled
//   if (decoder.filled() >= DecodeAhead::kChunk) Apply(decoder.Rotate());
//   ...
//   Apply(decoder.Rotate());  // at the end of a batch: the chunk handed over before,
//   Apply(decoder.Rotate());  // then the last one added
//
// Messages come out in the order they were added. A message whose payload is not an envelope
// with a stream id and version comes out with `poison` set to the reason (its dead letter's).
// A decoded payload lives on the chunk's arena: it stays valid until the next Rotate or Discard.
//
// The runner never waits for the decoding thread to be scheduled: on a busy machine it may
// start late (the other core runs the store's committer), so when a chunk is due, the runner
// decodes whatever the thread has not claimed yet itself and waits only for the messages the
// thread is decoding at that moment. Each message is claimed by exactly one of them.
//
// Thread-safety: one owner thread; the decoding thread touches only claimed messages of the
// chunks handed to it.
#ifndef SALES_COMMON_PROJECTION_INTERNAL_DECODE_AHEAD_H_
#define SALES_COMMON_PROJECTION_INTERNAL_DECODE_AHEAD_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/kafka/handles.h"
#include "common/projection/event_applier.h"
#include "common/projection/projection.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::projection::internal {

class DecodeAhead {
 public:
  // Messages per chunk: a chunk takes the runner a few milliseconds to apply, far more than
  // handing it to the decoding thread costs (a wake-up).
  static constexpr size_t kChunk = 512;

  struct Message {
    kafka::MessagePtr message;
    const ProjectionSource* source = nullptr;
    std::shared_ptr<common::v1::EventEnvelope> event;  // what the message is decoded into
    // The event's payload as Projection::DecodePayload decoded it; null when it did not.
    const google::protobuf::Message* decoded_payload = nullptr;
    const char* poison = nullptr;  // set when the message does not decode
  };

  // `projection` (not owned, outlives this) decodes the payloads (DecodePayload). `thread_name`:
  // see concurrency::NameThisThread.
  DecodeAhead(const Projection* projection, std::string thread_name);
  ~DecodeAhead();  // Discard(), then ends the decoding thread
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // Queues a polled message with the envelope to decode it into (one nobody else holds).
  void Add(kafka::MessagePtr message, const ProjectionSource* source,
           std::shared_ptr<common::v1::EventEnvelope> event);
  // Messages added since the last Rotate.
  size_t filled() const { return filling_.size(); }

  // Hands the messages added since the last Rotate to the decoding thread and returns those
  // handed over by the previous Rotate, decoded. The owner may take the messages and events out
  // of the returned chunk; it is dropped by the next Rotate or Discard.
  std::vector<Message>& Rotate();
  // Drops every message added and not yet returned, and the chunk last returned: what a failed
  // or stopped batch leaves. Messages must be destroyed before their consumer is.
  void Discard();

  // CPU the decoding thread has used.
  absl::Duration cpu() const { return cpu_.total(); }

 private:
  // Messages handed over together. Whoever wins a message's claim (next_claim) decodes it and
  // then counts it as decoded; the owner touches the messages again only once all are counted.
  struct Chunk {
    std::vector<Message> messages;
    google::protobuf::Arena arena;  // the decoded payloads (thread-safe)
    size_t count = 0;               // messages.size(), fixed before the chunk is shared
    std::atomic<size_t> next_claim{0};
    std::atomic<size_t> decoded{0};
  };

  // Decodes the chunk's unclaimed messages (either thread).
  void DecodeUnclaimed(Chunk& chunk) const;
  // Decodes what is still unclaimed, then waits for the decoding thread's claims; owner only.
  void Finish(Chunk& chunk) const;
  void DecodingLoop();

  const Projection* const projection_;
  std::vector<Message> filling_;           // owner: added since the last Rotate
  std::shared_ptr<Chunk> handed_;          // owner: handed over by the last Rotate
  std::shared_ptr<Chunk> returned_chunk_;  // owner: returned by the last Rotate (its arena)
  std::vector<Message> returned_;          // owner: returned by the last Rotate
  concurrency::CpuTally cpu_;              // see cpu()

  absl::Mutex mu_;
  std::deque<std::shared_ptr<Chunk>> queue_ ABSL_GUARDED_BY(mu_);  // for the decoding thread
  bool exiting_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the members above are initialized
};

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_DECODE_AHEAD_H_
