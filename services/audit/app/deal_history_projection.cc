#include "services/audit/app/deal_history_projection.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace sales::audit {

std::string IndexBytes(const common::v1::EventEnvelope& event) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  event.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

absl::Status DealHistoryProjection::Apply(const common::v1::EventEnvelope& event,
                                          projection::ProjectionTxn& txn) {
  if (!event.deal_id().empty()) RETURN_IF_ERROR(ValidateDealId("deal_id", event.deal_id()));
  if (event.has_occurred_at()) RETURN_IF_ERROR(ValidateInstant("occurred_at", event.occurred_at()));
  const std::string stream_key = StreamKey(event.service(), event.stream_id());
  ASSIGN_OR_RETURN(std::optional<std::string> stored_row, txn.Get(stream_key));
  StreamRow row;
  std::optional<CausalTime> previous;
  if (stored_row.has_value()) {
    ASSIGN_OR_RETURN(row, DecodeStreamRow(*stored_row));
    previous = row.last_time;
  }
  const CausalTime time = NextCausalTime(previous, event);
  row.last_time = time;
  const std::string deal_id = event.deal_id().empty() ? row.deal_id : event.deal_id();

  if (deal_id.empty()) {
    txn.Put(PendingKey(event.service(), event.stream_id(), event.stream_version()),
            absl::StrCat(EncodeCausalTime(time), IndexBytes(event)));
  } else {
    if (row.deal_id.empty()) {
      RETURN_IF_ERROR(MoveParkedEvents(event, deal_id, txn));
      row.deal_id = deal_id;
    }
    // Idempotent within the stream: the row is the same each time the deal is seen.
    txn.Put(DealStreamKey(deal_id, event.service(), event.stream_id()), "");
    txn.Put(HistoryKey(deal_id, time, event.service(), event.stream_id(), event.stream_version()),
            IndexBytes(event));
  }
  txn.Put(stream_key, EncodeStreamRow(row));
  return absl::OkStatus();
}

absl::Status DealHistoryProjection::MoveParkedEvents(const common::v1::EventEnvelope& event,
                                                     absl::string_view deal_id,
                                                     projection::ProjectionTxn& txn) {
  for (uint64_t version = 1; version < event.stream_version(); ++version) {
    const std::string parked_key = PendingKey(event.service(), event.stream_id(), version);
    ASSIGN_OR_RETURN(std::optional<std::string> parked, txn.Get(parked_key));
    if (!parked.has_value()) continue;  // a poison event, never indexed
    ASSIGN_OR_RETURN(CausalTime time, DecodeCausalTime(*parked));
    txn.Put(HistoryKey(deal_id, time, event.service(), event.stream_id(), version),
            absl::string_view(*parked).substr(kCausalTimeBytes));
    txn.Delete(parked_key);
  }
  return absl::OkStatus();
}

}  // namespace sales::audit
