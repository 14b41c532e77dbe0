// StackArenaMessage: a protobuf message on an arena whose first block lies inside this object,
// for decoding one event in a hot loop without the heap.
//
// Why: a projection decodes every event's payload into its aggregate's wrapper. On the heap
// that is an allocation and a free per string and sub-message (a placed order: a dozen), which
// was a tenth of the performance projection's runner thread in catch-up; on a block of the
// stack frame the allocations are pointer bumps, freed at once when the frame ends. A payload
// larger than the block spills into heap blocks of the arena, freed with it.
//
//   StackArenaMessage<orders::v1::OrderEvent> event;
//   RETURN_IF_ERROR(UnpackProjectedEvent(kName, envelope.payload(), *event));
//   if (event->has_order_placed()) ...
//
// Thread-compatible; neither copyable nor movable (the arena points into it). Keep it on the stack
// (it is kBlockBytes large) and let nothing decoded into it outlive it.
#ifndef SALES_COMMON_EVENTSOURCING_STACK_ARENA_MESSAGE_H_
#define SALES_COMMON_EVENTSOURCING_STACK_ARENA_MESSAGE_H_

#include <cstddef>

#include "google/protobuf/arena.h"

namespace sales::eventsourcing {

template <typename Message>
class StackArenaMessage {
 public:
  static constexpr size_t kBlockBytes = 4096;  // a typical event needs well under it

  StackArenaMessage()
      : arena_(ArenaOptionsFor(first_block_)),
        message_(google::protobuf::Arena::CreateMessage<Message>(&arena_)) {}
  StackArenaMessage(const StackArenaMessage&) = delete;
  StackArenaMessage& operator=(const StackArenaMessage&) = delete;

  Message& operator*() { return *message_; }
  Message* operator->() { return message_; }
  const Message& operator*() const { return *message_; }
  const Message* operator->() const { return message_; }

 private:
  static google::protobuf::ArenaOptions ArenaOptionsFor(char (&block)[kBlockBytes]) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kBlockBytes;
    return options;
  }

  alignas(16) char first_block_[kBlockBytes];  // before arena_: constructed (trivially) first
  google::protobuf::Arena arena_;
  Message* message_;
};

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_STACK_ARENA_MESSAGE_H_
