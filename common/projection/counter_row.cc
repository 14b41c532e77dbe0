#include "common/projection/counter_row.h"

#include <algorithm>

#include "common/projection/internal/varint.h"
#include "common/projection/projection_store.h"

namespace sales::projection {
namespace {

using internal::GetVarint;
using internal::PutVarint;
using internal::VarintSize;

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

}  // namespace

std::string EncodeCounterSlots(absl::Span<const std::pair<uint32_t, int64_t>> slots) {
  // Sized exactly first: rows can hold hundreds of slots.
  size_t size = 0;
  uint32_t previous = 0;
  for (const auto& [slot, value] : slots) {
    if (value == 0) continue;
    size += VarintSize(slot - previous) + VarintSize(ZigZag(value));
    previous = slot;
  }
  std::string out(size, '\0');
  char* end = out.data();
  previous = 0;
  for (const auto& [slot, value] : slots) {
    if (value == 0) continue;
    end = PutVarint(end, slot - previous);
    end = PutVarint(end, ZigZag(value));
    previous = slot;
  }
  return out;
}

absl::Status ScanCounterRows(
    ProjectionStore& store, absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view row)>& visit) {
  return store.Scan(prefix, [&](absl::string_view key, absl::string_view row) {
    return row.empty() || visit(key, row);
  });
}

bool CounterRowCursor::NextSlow() {
  if (rest_.empty() || corrupt_) return false;
  uint64_t delta = 0;
  uint64_t zigzag = 0;
  // A slot delta of 0 only for a first slot 0: slots are strictly ascending.
  if (!GetVarint(rest_, delta) || !GetVarint(rest_, zigzag) || (delta == 0 && started_) ||
      slot_ + delta > UINT32_MAX) {
    return Corrupt();
  }
  started_ = true;
  slot_ = static_cast<uint32_t>(slot_ + delta);
  value_ = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
  return true;
}

absl::Status CounterRowCursor::status() const {
  return corrupt_ ? absl::DataLossError("funnel counter row does not decode") : absl::OkStatus();
}

absl::Status CounterRow::Decode(absl::string_view bytes) {
  slots_.clear();
  CounterRowCursor cursor(bytes);
  while (cursor.Next()) slots_.emplace_back(cursor.slot(), cursor.value());
  if (!cursor.status().ok()) slots_.clear();
  return cursor.status();
}

std::string CounterRow::Encode() const { return EncodeCounterSlots(slots_); }

int64_t CounterRow::Get(uint32_t slot) const {
  auto it = std::lower_bound(slots_.begin(), slots_.end(), slot,
                             [](const auto& entry, uint32_t s) { return entry.first < s; });
  return it != slots_.end() && it->first == slot ? it->second : 0;
}

void CounterRow::Add(uint32_t slot, int64_t delta) {
  if (delta == 0) return;
  auto it = std::lower_bound(slots_.begin(), slots_.end(), slot,
                             [](const auto& entry, uint32_t s) { return entry.first < s; });
  if (it != slots_.end() && it->first == slot) {
    it->second += delta;
    if (it->second == 0) slots_.erase(it);
  } else {
    slots_.insert(it, {slot, delta});
  }
}

void CounterRow::AddSorted(absl::Span<const std::pair<uint32_t, int64_t>> deltas) {
  if (deltas.empty()) return;
  CounterSlotsCursor cursor(deltas);
  CounterSlots scratch;
  scratch.reserve(slots_.size() + deltas.size());
  MergeCounterSlots(cursor, slots_, scratch);
}

}  // namespace sales::projection
