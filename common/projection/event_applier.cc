#include "common/projection/event_applier.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::Status EventApplier::Offer(const ProjectionSource& source, eventstore::SharedEvent shared,
                                 const rd_kafka_message_t* origin, StoreBatch& batch,
                                 BatchOutcome& outcome, uint64_t fed_below,
                                 const google::protobuf::Message* decoded_payload) {
  const EventEnvelope& event = *shared;
  if (event.global_position() != 0 && event.global_position() < fed_below) {
    ++outcome.duplicates;
    return absl::OkStatus();
  }
  if (marks_ == DedupeMarks::kNone) {
    return ApplyOne(source, std::move(shared), origin, decoded_payload, batch, outcome,
                    /*mark=*/nullptr);
  }
  // kKeep reads and advances the stream's mark in one lookup.
  uint64_t* kept_mark = nullptr;
  uint64_t mark = 0;
  if (marks_ == DedupeMarks::kKeep) {
    ASSIGN_OR_RETURN(kept_mark, batch.MutableMark(source.topic, event.stream_id()));
    mark = *kept_mark;
  } else {
    ASSIGN_OR_RETURN(mark, batch.Mark(source.topic, event.stream_id()));
  }
  const uint64_t version = event.stream_version();
  if (version <= mark) {
    ++outcome.duplicates;
    return absl::OkStatus();
  }
  // Under kReadOnly the events come from the feed in order and the marks are not kept up to
  // date: whatever lies beyond the mark is new, and there are no gaps to fill.
  if (version > mark + 1 && marks_ == DedupeMarks::kKeep) {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> missing,
                     source.feed->ReadStream(event.stream_id(), mark + 1, version - 1));
    bool complete = missing.size() == version - mark - 1;
    for (size_t i = 0; complete && i < missing.size(); ++i) {
      complete = missing[i].stream_version() == mark + 1 + i;
    }
    if (!complete) {
      outcome.dead_letters.push_back(MakeDeadLetter(
          source, event, origin,
          absl::StrCat("version gap: stream ", event.stream_id(), " is at version ", mark,
                       " but the event feed lacks versions ", mark + 1, "..", version - 1)));
      return absl::OkStatus();
    }
    for (EventEnvelope& filler : missing) {
      if (filler.global_position() < fed_below) {
        ++outcome.duplicates;  // applied by a read of the feed that wrote no marks
        continue;
      }
      RETURN_IF_ERROR(ApplyOne(source, std::make_shared<EventEnvelope>(std::move(filler)),
                               /*origin=*/nullptr, /*decoded_payload=*/nullptr, batch, outcome,
                               kept_mark));
      ++outcome.gap_events_filled;
    }
  }
  return ApplyOne(source, std::move(shared), origin, decoded_payload, batch, outcome, kept_mark);
}

absl::Status EventApplier::ApplyOne(const ProjectionSource& source, eventstore::SharedEvent shared,
                                    const rd_kafka_message_t* origin,
                                    const google::protobuf::Message* decoded_payload,
                                    StoreBatch& batch, BatchOutcome& outcome, uint64_t* mark) {
  const EventEnvelope& event = *shared;
  batch.SetSavePoint();
  absl::Status status = decoded_payload != nullptr
                            ? projection_.ApplyDecoded(event, *decoded_payload, batch.txn())
                            : projection_.Apply(event, batch.txn());
  if (status.ok()) {
    batch.DiscardSavePoint();
  } else if (IsPoisonStatus(status)) {
    // Fails the batch if the projection changed Mutable rows before deciding poison.
    RETURN_IF_ERROR(batch.RollbackToSavePoint());
    outcome.dead_letters.push_back(MakeDeadLetter(source, event, origin, status.ToString()));
  } else {
    batch.RollbackToSavePoint().IgnoreError();  // the batch fails with `status` anyway
    return status;
  }
  if (mark != nullptr) *mark = event.stream_version();
  if (status.ok()) outcome.applied.push_back(std::move(shared));
  return absl::OkStatus();
}

DeadLetter EventApplier::MakeDeadLetter(const ProjectionSource& source, const EventEnvelope& event,
                                        const rd_kafka_message_t* origin, std::string reason) {
  if (origin != nullptr) return DeadLetter{kafka::KafkaRecord::From(*origin), std::move(reason)};
  return DeadLetter{.message = {.topic = source.topic,
                                .partition = -1,
                                .offset = -1,
                                .key = event.stream_id(),
                                .value = event.SerializeAsString()},
                    .reason = std::move(reason)};
}

}  // namespace sales::projection
