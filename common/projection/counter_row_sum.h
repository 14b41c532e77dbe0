// CounterRowSum: the RocksDB merge operator that keeps counter rows (counter_row.h) as sums of
// deltas, so that a batch adds to a row without reading it (FoldTxn::AddToCounterRow writes its
// deltas as a merge operand). RocksDB sums a row's operands — with its stored value, if any —
// when the row is read, flushed or compacted; the result is the row's canonical encoding ("" when
// every slot sums to zero), so the bytes of a row depend only on the deltas added, never on how
// they were batched or when RocksDB merged them.
//
// Every projection store's families have it (ProjectionStore::Open); keys that were never merged
// into are not affected. Bytes that are not a counter-row encoding fail the merge: RocksDB then
// reports the read (or flush) as corrupt.
//
// Thread-safe (stateless).
#ifndef SALES_COMMON_PROJECTION_COUNTER_ROW_SUM_H_
#define SALES_COMMON_PROJECTION_COUNTER_ROW_SUM_H_

#include <memory>

#include "rocksdb/merge_operator.h"

namespace sales::projection {

// The one shared instance.
std::shared_ptr<rocksdb::MergeOperator> CounterRowSum();

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_COUNTER_ROW_SUM_H_
