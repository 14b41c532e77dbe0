// Event-store append throughput beside raw RocksDB writes of the same bytes, in the same run.
//
//   build/common/eventstore/eventstore_benchmark
//
// BM_Append/N        EventStore::Append of N events (one stream per iteration round-robin
//                    over 1,000 streams): envelope completion, SHA-256 hash chain, stream index,
//                    outbox row and (key:1) idempotency lookup, fingerprint and record, all in
//                    one WriteBatch.
// BM_RawPut/N/rows:0 rocksdb::DB::Write of a WriteBatch with N Puts of the same serialized
//                    envelope bytes under 8-byte keys: the cost of storing the events alone.
// BM_RawPut/N/rows:1 the same plus the three rows an append also writes (stream index entry,
//                    outbox row, idempotency record), with keys of the same shapes, in one
//                    column family: RocksDB's cost for exactly the rows of an append, so that
//                    Append / this isolates the cost of the store's own machinery.
// The figures of merit are items_per_second(Append) / items_per_second(RawPut) for the same N.
// Both use the WAL without fsync (Durability::kProcessCrash); /sync variants fsync each write.
// BM_ReadOutboxCaughtUp/delivered:N  ReadOutbox(head + 1, 1000) — an idle relay's poll — after
//                    N single-event appends were all delivered (deleted from the outbox): its
//                    cost must not grow with N.
#include <benchmark/benchmark.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/eventstore/internal/keys.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "rocksdb/db.h"

namespace sales::eventstore {
namespace {

// A payload of ~300 bytes, about the size of a domain event.
const std::string& Payload() {
  static const std::string payload(300, 'p');
  return payload;
}

void BM_Append(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const bool sync = state.range(1) != 0;
  const bool with_key = state.range(2) != 0;
  testing::TempDir dir;
  auto store = EventStore::Open(
      {.path = dir.path(),
       .service = "bench",
       .durability = sync ? Durability::kMachineCrash : Durability::kProcessCrash});
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  const EventEnvelope prototype = testing::TextEvent(Payload());
  uint64_t i = 0;
  for (auto _ : state) {
    AppendRequest request{.stream_id = absl::StrCat("stream-", i % 1000),
                          .expected_version = kAnyVersion,
                          .idempotency_key = with_key ? absl::StrCat("cmd-", i) : ""};
    request.events.assign(batch, prototype);
    auto result = (*store)->Append(std::move(request));
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
    ++i;
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void BM_RawPut(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const bool sync = state.range(1) != 0;
  testing::TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.path(), &raw).ok()) {
    state.SkipWithError("cannot open RocksDB");
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // The same bytes the store writes for one event (an envelope as completed by Append).
  EventEnvelope envelope = testing::TextEvent(Payload());
  envelope.set_stream_id("stream-123");
  envelope.set_event_id("0b6f5f1e-8d8c-4a57-9a43-3b8f3c2a9e11");
  envelope.set_prev_event_hash(std::string(32, 'h'));
  envelope.set_service("bench");
  envelope.set_event_type("google.protobuf.StringValue");
  const std::string bytes = envelope.SerializeAsString();
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  const bool same_rows = state.range(2) != 0;
  const std::string index_value(48, 'i');        // first version, first position, SHA-256
  const std::string idempotency_value(80, 'k');  // fingerprint and one result
  uint64_t key = 0;
  for (auto _ : state) {
    rocksdb::WriteBatch write_batch;
    for (int j = 0; j < batch; ++j) write_batch.Put(internal::EncodeBigEndian64(++key), bytes);
    if (same_rows) {
      write_batch.Put(absl::StrCat("s/stream-", key % 1000, std::string(1, '\0'),
                                   internal::EncodeBigEndian64(key)),
                      index_value);
      write_batch.Put(absl::StrCat("o/", internal::EncodeBigEndian64(key)),
                      internal::EncodeBigEndian64(key));
      write_batch.Put(absl::StrCat("i/cmd-", key), idempotency_value);
    }
    if (!db->Write(write_options, &write_batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

BENCHMARK(BM_Append)
    ->ArgNames({"batch", "sync", "key"})
    ->Args({1, 0, 1})
    ->Args({10, 0, 1})
    ->Args({1, 0, 0})
    ->Args({10, 0, 0});
BENCHMARK(BM_RawPut)
    ->ArgNames({"batch", "sync", "rows"})
    ->Args({1, 0, 0})
    ->Args({10, 0, 0})
    ->Args({1, 0, 1})
    ->Args({10, 0, 1});
BENCHMARK(BM_RawPut)->ArgNames({"batch", "sync", "rows"})->Args({1, 1, 0})->UseRealTime();

// fsync per commit group, from 1 and 8 threads sharing one store: group commit lets concurrent
// appenders share an fsync, so throughput grows with the number of appenders.
void BM_AppendSyncConcurrent(benchmark::State& state) {
  static testing::TempDir* dir = nullptr;
  static EventStore* store = nullptr;
  if (state.thread_index() == 0) {
    dir = new testing::TempDir();
    store = EventStore::Open(
                {.path = dir->path(), .service = "bench", .durability = Durability::kMachineCrash})
                ->release();
  }
  const EventEnvelope prototype = testing::TextEvent(Payload());
  uint64_t i = 0;
  for (auto _ : state) {
    AppendRequest request{.stream_id = absl::StrCat("t", state.thread_index(), "-", i++ % 100)};
    request.events.push_back(prototype);
    if (!store->Append(std::move(request)).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete store;
    delete dir;
  }
}
BENCHMARK(BM_AppendSyncConcurrent)->Threads(1)->Threads(8)->UseRealTime();

void BM_ReadOutboxCaughtUp(benchmark::State& state) {
  const int delivered = static_cast<int>(state.range(0));
  testing::TempDir dir;
  auto store = EventStore::Open({.path = dir.path(), .service = "bench"});
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  const EventEnvelope prototype = testing::TextEvent(Payload());
  std::vector<uint64_t> positions;
  for (int i = 0; i < delivered; ++i) {
    AppendRequest request{.stream_id = absl::StrCat("stream-", i % 1000)};
    request.events.push_back(prototype);
    auto result = (*store)->Append(std::move(request));
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    positions.push_back(result->first_position);
  }
  if (!(*store)->DeleteOutbox(positions).ok()) state.SkipWithError("delete failed");
  const uint64_t from = (*store)->HeadPosition() + 1;
  for (auto _ : state) {
    auto rows = (*store)->ReadOutbox(from, 1000);
    if (!rows.ok() || !rows->empty()) state.SkipWithError("outbox not empty");
  }
}
BENCHMARK(BM_ReadOutboxCaughtUp)->ArgNames({"delivered"})->Arg(1000)->Arg(10000)->Arg(100000);

}  // namespace
}  // namespace sales::eventstore

BENCHMARK_MAIN();
