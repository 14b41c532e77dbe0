#include "common/projection/pending_counter_rows.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/projection/internal/varint.h"
#include "common/storage/rocksdb_util.h"

namespace sales::projection {
namespace {

using storage::ToSlice;
using storage::ToView;

// Adds the encoding `delta` to `sum`; false when it is not an encoding.
bool AddEncoded(absl::string_view delta, CounterSlots& sum, CounterSlots& scratch) {
  CounterRowCursor cursor(delta);
  MergeCounterSlots(cursor, sum, scratch);
  return cursor.status().ok();
}

// Adds the encoding `delta` to `sum` in place where `sum` has its slots, merging in the others
// (through `missing` and `scratch`); false when `delta` is not an encoding.
bool AddEncodedInPlace(absl::string_view delta, CounterSlots& sum, CounterSlots& missing,
                       CounterSlots& scratch) {
  missing.clear();
  auto next = sum.begin();
  CounterRowCursor cursor(delta);
  while (cursor.Next()) {
    next = std::lower_bound(next, sum.end(), cursor.slot(),
                            [](const auto& entry, uint32_t slot) { return entry.first < slot; });
    if (next != sum.end() && next->first == cursor.slot()) {
      next->second += cursor.value();
    } else {
      missing.emplace_back(cursor.slot(), cursor.value());
    }
  }
  if (!missing.empty()) {
    CounterSlotsCursor added(missing);
    MergeCounterSlots(added, sum, scratch);
  }
  return cursor.status().ok();
}

// A log record: for each row, varint(key size) key varint(delta size) delta.
std::string EncodeLogRecord(PendingCounterRows::Deltas deltas) {
  std::string record;
  for (const auto& [key, delta] : deltas) {
    internal::AppendVarint(record, key.size());
    record.append(key.data(), key.size());
    internal::AppendVarint(record, delta.size());
    record.append(delta.data(), delta.size());
  }
  return record;
}

bool NextPart(absl::string_view& record, absl::string_view& part) {
  uint64_t size = 0;
  if (!internal::GetVarint(record, size) || size > record.size()) return false;
  part = record.substr(0, size);
  record.remove_prefix(size);
  return true;
}

}  // namespace

absl::StatusOr<std::string> AddPendingSum(absl::string_view stored, CounterSlots pending) {
  CounterSlots scratch;
  if (!AddEncoded(stored, pending, scratch)) {
    return absl::DataLossError("a stored counter row does not decode");
  }
  return EncodeCounterSlots(pending);
}

absl::Status PendingCounterRows::Load(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* log_family) {
  // Read into a copy, kept only when the whole log read: a failure leaves the sums as they were.
  PendingCounterRows loaded;
  CounterSlots missing;
  CounterSlots scratch;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), log_family));
  for (it->Seek(ToSlice(kLogPrefix)); it->Valid() && it->key().starts_with(ToSlice(kLogPrefix));
       it->Next()) {
    const absl::string_view key = ToView(it->key());
    absl::string_view record = ToView(it->value());
    while (!record.empty()) {
      absl::string_view row_key;
      absl::string_view delta;
      if (!NextPart(record, row_key) || !NextPart(record, delta) ||
          !AddEncodedInPlace(delta, loaded.sums_[row_key], missing, scratch)) {
        return absl::DataLossError(
            absl::StrCat("pending counter rows: log record ", absl::CEscape(key), " is corrupt"));
      }
    }
    loaded.log_keys_.emplace_back(key);
  }
  if (!it->status().ok()) {
    return absl::InternalError(
        absl::StrCat("pending counter rows: reading the log: ", it->status().ToString()));
  }
  if (!loaded.log_keys_.empty()) {
    const absl::string_view last =
        absl::string_view(loaded.log_keys_.back()).substr(kLogPrefix.size());
    for (const char byte : last) {
      loaded.next_log_sequence_ = loaded.next_log_sequence_ << 8 | static_cast<uint8_t>(byte);
    }
    ++loaded.next_log_sequence_;
  }
  *this = std::move(loaded);
  return absl::OkStatus();
}

void PendingCounterRows::Clear() {
  sums_.clear();
  log_keys_.clear();
  next_log_sequence_ = 0;
}

bool PendingCounterRows::SweepsWith(Deltas deltas) const {
  return log_keys_.size() + 1 > kMaxLoggedBatches || sums_.size() + deltas.size() > kMaxRows;
}

std::string PendingCounterRows::LogKey(uint64_t sequence) const {
  std::string key(kLogPrefix);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(sequence >> shift));
  return key;
}

void PendingCounterRows::AppendWrite(Deltas deltas, rocksdb::ColumnFamilyHandle* row_family,
                                     rocksdb::ColumnFamilyHandle* log_family,
                                     rocksdb::WriteBatch& out) const {
  if (deltas.empty()) return;
  if (!SweepsWith(deltas)) {
    out.Put(log_family, ToSlice(LogKey(next_log_sequence_)), ToSlice(EncodeLogRecord(deltas)))
        .PermitUncheckedError();
    return;
  }
  AppendSweepWith(deltas, row_family, log_family, out);
}

void PendingCounterRows::AppendSweep(rocksdb::ColumnFamilyHandle* row_family,
                                     rocksdb::ColumnFamilyHandle* log_family,
                                     rocksdb::WriteBatch& out) const {
  AppendSweepWith({}, row_family, log_family, out);
}

void PendingCounterRows::AppendSweepWith(Deltas deltas, rocksdb::ColumnFamilyHandle* row_family,
                                         rocksdb::ColumnFamilyHandle* log_family,
                                         rocksdb::WriteBatch& out) const {
  // The union of the pending rows and the batch's, in key order (the memtable inserts a run of
  // ascending keys fastest).
  CounterSlots sum;
  CounterSlots scratch;
  auto pending = sums_.begin();
  const auto merge_pending = [&](auto pending_end) {
    for (; pending != pending_end; ++pending) {
      out.Merge(row_family, pending->first, EncodeCounterSlots(pending->second))
          .PermitUncheckedError();
    }
  };
  for (const auto& [key, delta] : deltas) {
    merge_pending(sums_.lower_bound(key));
    if (pending != sums_.end() && pending->first == key) {
      sum = pending->second;
      ++pending;
      AddEncoded(delta, sum, scratch);  // the fold's own encoding
      out.Merge(row_family, ToSlice(key), EncodeCounterSlots(sum)).PermitUncheckedError();
    } else {
      out.Merge(row_family, ToSlice(key), ToSlice(delta)).PermitUncheckedError();
    }
  }
  merge_pending(sums_.end());
  for (const std::string& log_key : log_keys_) {
    out.Delete(log_family, log_key).PermitUncheckedError();
  }
}

void PendingCounterRows::Landed(Deltas deltas) {
  if (deltas.empty()) return;
  if (SweepsWith(deltas)) {
    Clear();  // the sequence restarts: every record was deleted
    return;
  }
  CounterSlots missing;
  CounterSlots scratch;
  for (const auto& [key, delta] : deltas) {
    auto it = sums_.find(key);
    if (it == sums_.end()) it = sums_.try_emplace(std::string(key)).first;
    AddEncodedInPlace(delta, it->second, missing, scratch);  // the fold's own encoding
  }
  log_keys_.push_back(LogKey(next_log_sequence_++));
}

const CounterSlots* PendingCounterRows::Find(absl::string_view key) const {
  if (sums_.empty()) return nullptr;
  auto it = sums_.find(key);
  return it == sums_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, CounterSlots>> PendingCounterRows::CopyRange(
    absl::string_view from, absl::string_view to) const {
  std::vector<std::pair<std::string, CounterSlots>> copies;
  for (auto it = sums_.lower_bound(from); it != sums_.end() && (to.empty() || it->first < to);
       ++it) {
    copies.emplace_back(it->first, it->second);
  }
  return copies;
}

}  // namespace sales::projection
