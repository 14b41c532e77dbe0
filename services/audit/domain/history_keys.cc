#include "services/audit/domain/history_keys.h"

#include <functional>
#include <queue>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace sales::audit {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
constexpr int64_t kMinSeconds = -62'135'596'800;
constexpr int64_t kMaxSeconds = 253'402'300'799;
constexpr uint64_t kSignBit = uint64_t{1} << 63;

void AppendBigEndian(uint64_t value, int bytes, std::string& out) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t ReadBigEndian(absl::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

void AppendPart(absl::string_view part, std::string& out) {
  out.append(part.data(), part.size());
  out.push_back('\0');
}

}  // namespace

CausalTime FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return {timestamp.seconds(), timestamp.nanos()};
}

google::protobuf::Timestamp ToTimestamp(const CausalTime& time) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(time.seconds);
  timestamp.set_nanos(time.nanos);
  return timestamp;
}

absl::Status ValidateInstant(absl::string_view field,
                             const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() < kMinSeconds || timestamp.seconds() > kMaxSeconds) {
    return InvalidField(field, "seconds outside 0001-01-01 … 9999-12-31");
  }
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999'999'999) {
    return InvalidField(field, "nanos outside 0 … 999999999");
  }
  return absl::OkStatus();
}

absl::Status ValidateDealId(absl::string_view field, absl::string_view deal_id) {
  if (deal_id.empty()) return InvalidField(field, "required");
  if (deal_id.size() > 200) return InvalidField(field, "longer than 200 characters");
  for (char c : deal_id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidField(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

CausalTime NextCausalTime(const std::optional<CausalTime>& previous,
                          const common::v1::EventEnvelope& event) {
  CausalTime time =
      FromTimestamp(event.has_occurred_at() ? event.occurred_at() : event.recorded_at());
  if (previous.has_value() && time < *previous) return *previous;
  return time;
}

std::vector<size_t> CauseFirstOrder(
    const std::vector<std::pair<absl::string_view, absl::string_view>>& events) {
  std::vector<size_t> order;
  order.reserve(events.size());
  if (events.size() < 2) {
    if (!events.empty()) order.push_back(0);
    return order;
  }
  absl::flat_hash_map<absl::string_view, size_t> position;
  for (size_t i = 0; i < events.size(); ++i) position.emplace(events[i].first, i);
  // Kahn's algorithm, always taking the earliest ready event in key order: unrelated events keep
  // their key order.
  std::vector<std::vector<size_t>> effects(events.size());
  std::vector<bool> waits(events.size(), false);
  for (size_t i = 0; i < events.size(); ++i) {
    const auto cause = position.find(events[i].second);
    if (cause != position.end() && cause->second != i) {
      effects[cause->second].push_back(i);
      waits[i] = true;
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!waits[i]) ready.push(i);
  }
  std::vector<bool> listed(events.size(), false);
  while (!ready.empty()) {
    const size_t next = ready.top();
    ready.pop();
    order.push_back(next);
    listed[next] = true;
    for (const size_t effect : effects[next]) ready.push(effect);
  }
  // A cycle (ids repeated in corrupt rows) lists the rest in key order rather than losing them.
  for (size_t i = 0; i < events.size(); ++i) {
    if (!listed[i]) order.push_back(i);
  }
  return order;
}

std::string EncodeCausalTime(const CausalTime& time) {
  std::string out;
  out.reserve(kCausalTimeBytes);
  AppendBigEndian(static_cast<uint64_t>(time.seconds) ^ kSignBit, 8, out);
  AppendBigEndian(static_cast<uint32_t>(time.nanos), 4, out);
  return out;
}

absl::StatusOr<CausalTime> DecodeCausalTime(absl::string_view bytes) {
  if (bytes.size() < kCausalTimeBytes) {
    return absl::InvalidArgumentError("causal time: fewer than 12 bytes");
  }
  return CausalTime{static_cast<int64_t>(ReadBigEndian(bytes.substr(0, 8)) ^ kSignBit),
                    static_cast<int32_t>(ReadBigEndian(bytes.substr(8, 4)))};
}

std::string HistoryPrefix(absl::string_view deal_id) {
  std::string key = "h/";
  AppendPart(deal_id, key);
  return key;
}

std::string HistoryKey(absl::string_view deal_id, const CausalTime& time, absl::string_view service,
                       absl::string_view stream_id, uint64_t version) {
  std::string key = HistoryPrefix(deal_id);
  key += EncodeCausalTime(time);
  AppendPart(service, key);
  AppendPart(stream_id, key);
  AppendBigEndian(version, 8, key);
  return key;
}

std::string DealStreamsPrefix(absl::string_view deal_id) {
  std::string key = "d/";
  AppendPart(deal_id, key);
  return key;
}

std::string DealStreamKey(absl::string_view deal_id, absl::string_view service,
                          absl::string_view stream_id) {
  std::string key = DealStreamsPrefix(deal_id);
  AppendPart(service, key);
  key.append(stream_id.data(), stream_id.size());
  return key;
}

absl::StatusOr<std::pair<std::string, std::string>> ParseDealStreamKey(absl::string_view prefix,
                                                                       absl::string_view key) {
  if (!absl::StartsWith(key, prefix)) {
    return absl::InvalidArgumentError("deal stream key outside its prefix");
  }
  absl::string_view rest = key.substr(prefix.size());
  const size_t end = rest.find('\0');
  if (end == absl::string_view::npos) {
    return absl::InvalidArgumentError("deal stream key without a service terminator");
  }
  return std::pair(std::string(rest.substr(0, end)), std::string(rest.substr(end + 1)));
}

std::string StreamKey(absl::string_view service, absl::string_view stream_id) {
  std::string key = "s/";
  AppendPart(service, key);
  key.append(stream_id.data(), stream_id.size());
  return key;
}

std::string PendingKey(absl::string_view service, absl::string_view stream_id, uint64_t version) {
  std::string key = "p/";
  AppendPart(service, key);
  AppendPart(stream_id, key);
  AppendBigEndian(version, 8, key);
  return key;
}

std::string EncodeStreamRow(const StreamRow& row) {
  return absl::StrCat(EncodeCausalTime(row.last_time), row.deal_id);
}

absl::StatusOr<StreamRow> DecodeStreamRow(absl::string_view value) {
  absl::StatusOr<CausalTime> time = DecodeCausalTime(value);
  if (!time.ok()) return time.status();
  return StreamRow{*time, std::string(value.substr(kCausalTimeBytes))};
}

}  // namespace sales::audit
