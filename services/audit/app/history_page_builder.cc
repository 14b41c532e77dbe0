#include "services/audit/app/history_page_builder.h"

#include <utility>

#include "sales/audit/v1/audit.pb.h"

namespace sales::audit {
namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

void AppendVarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void AppendTag(int field, uint32_t wire_type, std::string& out) {
  AppendVarint((static_cast<uint32_t>(field) << 3) | wire_type, out);
}

// A string, bytes or message field; proto3 omits empty strings, and so does this.
void AppendBytesField(int field, absl::string_view bytes, std::string& out) {
  AppendTag(field, kLengthDelimited, out);
  AppendVarint(bytes.size(), out);
  out.append(bytes.data(), bytes.size());
}

}  // namespace

void HistoryPageBuilder::Add(uint64_t sequence, absl::string_view envelope_bytes,
                             absl::string_view reason, absl::string_view payload_json) {
  entry_.clear();
  if (sequence != 0) {
    AppendTag(v1::DealHistoryEntry::kSequenceFieldNumber, kVarint, entry_);
    AppendVarint(sequence, entry_);
  }
  AppendBytesField(v1::DealHistoryEntry::kEventFieldNumber, envelope_bytes, entry_);
  if (!reason.empty()) AppendBytesField(v1::DealHistoryEntry::kReasonFieldNumber, reason, entry_);
  if (!payload_json.empty()) {
    AppendBytesField(v1::DealHistoryEntry::kPayloadJsonFieldNumber, payload_json, entry_);
  }
  AppendBytesField(v1::DealHistoryPage::kEntriesFieldNumber, entry_, page_);
  ++entries_;
}

std::string HistoryPageBuilder::Take() {
  entries_ = 0;
  return std::exchange(page_, std::string());
}

}  // namespace sales::audit
