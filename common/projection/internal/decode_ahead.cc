#include "common/projection/internal/decode_ahead.h"

#include <utility>

#include "common/concurrency/thread_name.h"

namespace sales::projection::internal {

DecodeAhead::DecodeAhead(const Projection* projection, std::string thread_name)
    : projection_(projection), thread_([this, name = std::move(thread_name)] {
        concurrency::NameThisThread(name);
        DecodingLoop();
      }) {}

DecodeAhead::~DecodeAhead() {
  Discard();
  {
    absl::MutexLock lock(&mu_);
    exiting_ = true;
  }
  thread_.join();
}

void DecodeAhead::Add(kafka::MessagePtr message, const ProjectionSource* source,
                      std::shared_ptr<common::v1::EventEnvelope> event) {
  filling_.push_back({.message = std::move(message), .source = source, .event = std::move(event)});
}

std::vector<DecodeAhead::Message>& DecodeAhead::Rotate() {
  // The new chunk first, so that the decoding thread moves on to it while this one is finished.
  std::shared_ptr<Chunk> previous = std::move(handed_);
  if (!filling_.empty()) {
    handed_ = std::make_shared<Chunk>();
    handed_->messages.swap(filling_);  // `filling_` is left empty
    handed_->count = handed_->messages.size();
    filling_.reserve(kChunk);
    absl::MutexLock lock(&mu_);
    queue_.push_back(handed_);
  }
  returned_.clear();
  returned_chunk_.reset();  // its payloads, once the messages that point to them are gone
  if (previous != nullptr) {
    Finish(*previous);
    // Swapped, not moved: the chunk is certainly left empty, so whichever thread drops it last
    // destroys no Kafka message (those must go before their consumer, on this thread) — only,
    // once returned_chunk_ lets go of it, its arena's decoded payloads.
    returned_.swap(previous->messages);
    returned_chunk_ = std::move(previous);
  }
  return returned_;
}

void DecodeAhead::Discard() {
  if (handed_ != nullptr) {
    Finish(*handed_);  // the decoding thread may still be on one of its messages
    handed_->messages.clear();
    handed_.reset();
  }
  filling_.clear();
  returned_.clear();
  returned_chunk_.reset();
}

void DecodeAhead::DecodeUnclaimed(Chunk& chunk) const {
  for (size_t i = chunk.next_claim.fetch_add(1, std::memory_order_relaxed); i < chunk.count;
       i = chunk.next_claim.fetch_add(1, std::memory_order_relaxed)) {
    Message& message = chunk.messages[i];
    const rd_kafka_message_t& kafka_message = *message.message;
    if (!message.event->ParseFromArray(kafka_message.payload,
                                       static_cast<int>(kafka_message.len))) {
      message.poison = "value does not parse as sales.common.v1.EventEnvelope";
    } else if (message.event->stream_id().empty() || message.event->stream_version() == 0) {
      message.poison = "event envelope lacks stream_id or stream_version";
    } else {
      message.decoded_payload = projection_->DecodePayload(*message.event, chunk.arena);
    }
    chunk.decoded.fetch_add(1, std::memory_order_release);
  }
}

void DecodeAhead::Finish(Chunk& chunk) const {
  DecodeUnclaimed(chunk);
  // Only messages the decoding thread is decoding right now remain: a message's worth of time,
  // unless that thread was preempted meanwhile.
  while (chunk.decoded.load(std::memory_order_acquire) < chunk.count) std::this_thread::yield();
}

void DecodeAhead::DecodingLoop() {
  auto has_work = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return exiting_ || !queue_.empty(); };
  while (true) {
    std::shared_ptr<Chunk> chunk;
    {
      absl::MutexLock lock(&mu_, absl::Condition(&has_work));
      if (exiting_) return;
      chunk = std::move(queue_.front());
      queue_.pop_front();
    }
    cpu_.Count([&] { DecodeUnclaimed(*chunk); });
  }
}

}  // namespace sales::projection::internal
