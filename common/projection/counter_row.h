// CounterRow: the value of a read model's counter row (the funnel's and performance's cells) — a
// sparse map slot → int64, kept sorted and without zeros, so that its encoding is canonical: the
// same counts give the same bytes whatever order the deltas came in (what makes a rebuild
// byte-identical to the live model).
//
// Encoding: for each non-zero slot in ascending order, varint(slot − previous slot) then
// varint(zigzag(value)). An empty row encodes as "".
//
//   CounterRow row;
//   RETURN_IF_ERROR(row.Decode(stored));
//   row.Add(slot, 1);
//   std::string bytes = row.Encode();
//
// A query that walks a stored row once (e.g. to find a histogram's percentile) reads it with a
// CounterRowCursor instead, without materialising it:
//
//   CounterRowCursor cursor(stored);
//   while (cursor.Next()) Use(cursor.slot(), cursor.value());
//   RETURN_IF_ERROR(cursor.status());
//
// In a projection, a BatchAccumulator adds to counter rows without reading them
// (FoldTxn::AddToCounterRow): the store sums the deltas itself (counter_row_sum.h). A counter row
// that was ever added to exists, even when everything in it sums to zero (it then reads as "");
// scans that list rows by their keys (a group-by) read them with ScanCounterRows, which skips
// such rows, as if they had never been written.
//
//   txn.AddToCounterRow(key, {{slot, 1}});
//   RETURN_IF_ERROR(ScanCounterRows(store, prefix, [&](absl::string_view key,
//                                                      absl::string_view row) { ...; return true;
//                                                      }));
//
// Thread-compatible value types.
#ifndef SALES_COMMON_PROJECTION_COUNTER_ROW_H_
#define SALES_COMMON_PROJECTION_COUNTER_ROW_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/projection/projection.h"

namespace sales::projection {

// Reads an encoding slot by slot, in ascending slot order. `bytes` must outlive the cursor.
class CounterRowCursor {
 public:
  explicit CounterRowCursor(absl::string_view bytes) : rest_(bytes) {}

  // Moves to the next slot: false at the end, or when the bytes are not an encoding (then
  // status() is DATA_LOSS). Inline, with a fast path for the usual one-byte varints: a grouped
  // yearly report walks a few hundred thousand slots.
  bool Next() {
    if (!corrupt_ && rest_.size() >= 2 && static_cast<uint8_t>(rest_[0]) < 0x80 &&
        static_cast<uint8_t>(rest_[1]) < 0x80 && (rest_[0] != 0 || !started_)) {
      const auto delta = static_cast<uint8_t>(rest_[0]);
      const auto zigzag = static_cast<uint8_t>(rest_[1]);
      rest_.remove_prefix(2);
      if (slot_ + uint64_t{delta} > UINT32_MAX) return Corrupt();
      started_ = true;
      slot_ += delta;
      value_ = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
      return true;
    }
    return NextSlow();
  }
  // The current slot and its value; valid after Next() returned true.
  uint32_t slot() const { return slot_; }
  int64_t value() const { return value_; }
  absl::Status status() const;

 private:
  bool NextSlow();
  bool Corrupt() {
    corrupt_ = true;
    return false;
  }

  absl::string_view rest_;
  uint32_t slot_ = 0;
  int64_t value_ = 0;
  bool started_ = false;
  bool corrupt_ = false;
};

using CounterSlots = std::vector<std::pair<uint32_t, int64_t>>;

// Reads slots sorted by slot, each once, from a span, as a CounterRowCursor reads an encoding.
class CounterSlotsCursor {
 public:
  explicit CounterSlotsCursor(absl::Span<const std::pair<uint32_t, int64_t>> slots)
      : slots_(slots) {}
  bool Next() { return ++next_ <= slots_.size(); }
  uint32_t slot() const { return slots_[next_ - 1].first; }
  int64_t value() const { return slots_[next_ - 1].second; }

 private:
  absl::Span<const std::pair<uint32_t, int64_t>> slots_;
  size_t next_ = 0;
};

// Adds the slots `deltas` reads (a CounterRowCursor or a CounterSlotsCursor: ascending, each slot
// once) to `sum` (sorted by slot, no zeros) in one linear merge through `scratch`, dropping slots
// that sum to zero. No sort, and no allocation once the vectors have grown: the one merge behind
// CounterRow::AddSorted and the store's sum of a row's operands (counter_row_sum.h), which a
// query pays on every read of a row that is not compacted.
template <typename Cursor>
void MergeCounterSlots(Cursor& deltas, CounterSlots& sum, CounterSlots& scratch) {
  scratch.clear();
  size_t mine = 0;
  while (deltas.Next()) {
    for (; mine < sum.size() && sum[mine].first < deltas.slot(); ++mine) {
      scratch.push_back(sum[mine]);
    }
    int64_t value = deltas.value();
    if (mine < sum.size() && sum[mine].first == deltas.slot()) value += sum[mine++].second;
    if (value != 0) scratch.emplace_back(deltas.slot(), value);
  }
  scratch.insert(scratch.end(), sum.begin() + static_cast<ptrdiff_t>(mine), sum.end());
  sum.swap(scratch);
}

class CounterRow {
 public:
  // Replaces the content; DATA_LOSS for bytes that are not an encoding.
  absl::Status Decode(absl::string_view bytes);
  std::string Encode() const;

  int64_t Get(uint32_t slot) const;
  void Add(uint32_t slot, int64_t delta);
  // Adds `deltas`, which are sorted by slot with each slot once (one merge pass: for rows with
  // many slots and many deltas, much cheaper than an Add each).
  void AddSorted(absl::Span<const std::pair<uint32_t, int64_t>> deltas);
  bool empty() const { return slots_.empty(); }
  // Sorted by slot, values non-zero.
  const CounterSlots& slots() const { return slots_; }

 private:
  CounterSlots slots_;
};

// The canonical encoding of `slots`, sorted by slot with each slot once; zero values are left out.
std::string EncodeCounterSlots(absl::Span<const std::pair<uint32_t, int64_t>> slots);

class ProjectionStore;
// ProjectionStore::Scan for counter rows: calls `visit` for every row under `prefix` that has a
// non-zero slot, in key order, until it returns false.
absl::Status ScanCounterRows(
    ProjectionStore& store, absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view row)>& visit);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_COUNTER_ROW_H_
