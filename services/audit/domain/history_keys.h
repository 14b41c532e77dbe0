// The deal-history index's key layout and the causal time that orders it (pure; see
// services/audit/README.md for why this order).
//
//   std::string key = HistoryKey("D-1", CausalTime{1700000000, 5}, "leads", "lead-L-1", 7);
//   // "h/D-1\0" <12 bytes of time> "leads\0lead-L-1\0" <BE64 7>
//   for each row under HistoryPrefix("D-1") … (a prefix scan is the deal's causal order)
//
// Rows of the read model:
//   h/<deal>\0<time><service>\0<stream>\0<BE64 version>  → the envelope (deterministic bytes)
//   d/<deal>\0<service>\0<stream>                         → ""  (the deal's streams)
//   s/<service>\0<stream>                                 → StreamRow (causal clock, linked deal)
//   p/<service>\0<stream>\0<BE64 version>                 → <time> + envelope, for events of a
//                                                           stream not linked to a deal yet
// <time> is 12 bytes: BE64(seconds + 2^63) BE32(nanos), so bytewise order is time order.
// Ids never contain NUL (deal ids are validated by ValidateDealId, stream ids by the event
// store), so '\0' terminates each part and no id is a prefix of another's rows.
//
// Thread-safety: pure functions.
#ifndef SALES_SERVICES_AUDIT_DOMAIN_HISTORY_KEYS_H_
#define SALES_SERVICES_AUDIT_DOMAIN_HISTORY_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::audit {

// An instant with a total order, as stored in keys.
struct CausalTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator<(const CausalTime& a, const CausalTime& b) {
    return std::pair(a.seconds, a.nanos) < std::pair(b.seconds, b.nanos);
  }
  friend bool operator==(const CausalTime& a, const CausalTime& b) {
    return a.seconds == b.seconds && a.nanos == b.nanos;
  }
};

CausalTime FromTimestamp(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToTimestamp(const CausalTime& time);

// INVALID_ARGUMENT naming `field` unless `timestamp` is a valid instant: seconds within
// 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z and nanos within [0, 999999999].
absl::Status ValidateInstant(absl::string_view field, const google::protobuf::Timestamp& timestamp);

// INVALID_ARGUMENT naming `field` unless `deal_id` is 1–200 printable characters (no control
// characters, no NUL).
absl::Status ValidateDealId(absl::string_view field, absl::string_view deal_id);

// The causal time of `event`, given the causal time of the previous event of its stream (nullopt
// for the first): its occurred_at (recorded_at when occurred_at is unset), raised to `previous`
// if that is later, so that a stream's causal times never go backwards.
CausalTime NextCausalTime(const std::optional<CausalTime>& previous,
                          const common::v1::EventEnvelope& event);

// The order in which to list the events of one causal time, given each one's (event id,
// causation id) in key order: key order, except that an event caused by another of them comes
// after its cause. A process manager dates what it does at its cause's instant (so that a replay
// decides the same), and key order would put "channels" before "leads" or "incentives" before
// "orders" — the effect before the cause. Returns positions into `events`.
std::vector<size_t> CauseFirstOrder(
    const std::vector<std::pair<absl::string_view, absl::string_view>>& events);

std::string EncodeCausalTime(const CausalTime& time);  // 12 bytes
// Reads the first 12 bytes; INVALID_ARGUMENT when there are fewer.
absl::StatusOr<CausalTime> DecodeCausalTime(absl::string_view bytes);
inline constexpr size_t kCausalTimeBytes = 12;

std::string HistoryPrefix(absl::string_view deal_id);
std::string HistoryKey(absl::string_view deal_id, const CausalTime& time, absl::string_view service,
                       absl::string_view stream_id, uint64_t version);

std::string DealStreamsPrefix(absl::string_view deal_id);
std::string DealStreamKey(absl::string_view deal_id, absl::string_view service,
                          absl::string_view stream_id);
// (service, stream id) of a d/ row's key; INVALID_ARGUMENT for a key not under `prefix`.
absl::StatusOr<std::pair<std::string, std::string>> ParseDealStreamKey(absl::string_view prefix,
                                                                       absl::string_view key);

std::string StreamKey(absl::string_view service, absl::string_view stream_id);
std::string PendingKey(absl::string_view service, absl::string_view stream_id, uint64_t version);

// What the index keeps per stream: its causal clock and the deal it is linked to (empty: none).
struct StreamRow {
  CausalTime last_time;
  std::string deal_id;
};
std::string EncodeStreamRow(const StreamRow& row);
absl::StatusOr<StreamRow> DecodeStreamRow(absl::string_view value);

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_DOMAIN_HISTORY_KEYS_H_
