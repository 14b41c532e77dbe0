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
  const std::vector<std::pair<uint32_t, int64_t>>& slots() const { return slots_; }

 private:
  std::vector<std::pair<uint32_t, int64_t>> slots_;
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
