#include "common/projection/projection_store.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "rocksdb/options.h"

namespace sales::projection {
namespace {

constexpr char kModelFamily[] = "read_model";
constexpr char kRunnerFamily[] = "runner";

// Runner-metadata keys. Topic and source names never contain NUL, so it separates the parts.
constexpr char kBrokerKey[] = "broker";

std::string OffsetKey(absl::string_view topic, int32_t partition) {
  return absl::StrCat("offset/", topic, absl::string_view("\0", 1), partition);
}
std::string MarkKey(absl::string_view source, absl::string_view stream_id) {
  return absl::StrCat("mark/", source, absl::string_view("\0", 1), stream_id);
}
std::string FeedKey(absl::string_view source) { return absl::StrCat("feed/", source); }

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(context, ": ", status.ToString()));
}

template <typename Int>
absl::StatusOr<Int> ParseNumber(absl::string_view text, absl::string_view key) {
  Int value;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::DataLossError(absl::StrCat("projection metadata ", absl::CEscape(key),
                                            " holds a non-number: ", absl::CEscape(text)));
  }
  return value;
}

}  // namespace

// ProjectionTxn over the batch's read-model column family.
class StoreBatch::Txn : public ProjectionTxn {
 public:
  Txn(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::WriteBatchWithIndex* batch)
      : db_(db), cf_(cf), batch_(batch) {}

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) override {
    std::string value;
    rocksdb::Status s =
        batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), cf_, ToSlice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    RETURN_IF_ERROR(FromRocks(s, "read model get"));
    return value;
  }
  void Put(absl::string_view key, absl::string_view value) override {
    batch_->Put(cf_, ToSlice(key), ToSlice(value));
  }
  void Delete(absl::string_view key) override { batch_->Delete(cf_, ToSlice(key)); }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::WriteBatchWithIndex* batch_;
};

StoreBatch::StoreBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* model_cf,
                       rocksdb::ColumnFamilyHandle* runner_cf)
    : db_(db),
      runner_cf_(runner_cf),
      // overwrite_key=true: a key written twice in a batch keeps one index entry (the latest).
      batch_(std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                            /*overwrite_key=*/true)),
      txn_(std::make_unique<Txn>(db, model_cf, batch_.get())) {}

StoreBatch::StoreBatch(StoreBatch&&) = default;
ProjectionTxn& StoreBatch::txn() { return *txn_; }
StoreBatch::~StoreBatch() = default;

absl::StatusOr<uint64_t> StoreBatch::Mark(absl::string_view source, absl::string_view stream_id) {
  const std::string key = MarkKey(source, stream_id);
  std::string value;
  rocksdb::Status s =
      batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), runner_cf_, key, &value);
  if (s.IsNotFound()) return 0;
  RETURN_IF_ERROR(FromRocks(s, "dedupe mark get"));
  return ParseNumber<uint64_t>(value, key);
}

void StoreBatch::SetMark(absl::string_view source, absl::string_view stream_id, uint64_t version) {
  batch_->Put(runner_cf_, MarkKey(source, stream_id), absl::StrCat(version));
}

void StoreBatch::SetOffset(absl::string_view topic, int32_t partition, int64_t next_offset) {
  batch_->Put(runner_cf_, OffsetKey(topic, partition), absl::StrCat(next_offset));
}

void StoreBatch::SetFeedPosition(absl::string_view source, uint64_t next_position) {
  batch_->Put(runner_cf_, FeedKey(source), absl::StrCat(next_position));
}

void StoreBatch::SetBrokerIdentity(absl::string_view identity) {
  batch_->Put(runner_cf_, kBrokerKey, ToSlice(identity));
}

void StoreBatch::SetSavePoint() { batch_->SetSavePoint(); }

void StoreBatch::RollbackToSavePoint() {
  // Only fails without a save point, which the caller always sets first.
  batch_->RollbackToSavePoint().PermitUncheckedError();
}

void StoreBatch::DiscardSavePoint() { batch_->PopSavePoint().PermitUncheckedError(); }

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(const std::string& path) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kModelFamily, rocksdb::ColumnFamilyOptions()},
      {kRunnerFamily, rocksdb::ColumnFamilyOptions()},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, path, families, &handles, &raw),
                            absl::StrCat("open projection store ", path)));
  return std::unique_ptr<ProjectionStore>(
      new ProjectionStore(std::unique_ptr<rocksdb::DB>(raw), std::move(handles)));
}

ProjectionStore::ProjectionStore(std::unique_ptr<rocksdb::DB> db,
                                 std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : db_(std::move(db)), model_cf_(handles[1]), runner_cf_(handles[2]), handles_(handles) {}

ProjectionStore::~ProjectionStore() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
}

StoreBatch ProjectionStore::NewBatch() { return StoreBatch(db_.get(), model_cf_, runner_cf_); }

absl::Status ProjectionStore::Commit(StoreBatch& batch) {
  rocksdb::WriteOptions options;  // WAL on (the default)
  RETURN_IF_ERROR(
      FromRocks(db_->Write(options, batch.batch_->GetWriteBatch()), "commit projection batch"));
  batch.batch_->Clear();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::GetRaw(rocksdb::ColumnFamilyHandle* cf,
                                                                   absl::string_view key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "projection store get"));
  return value;
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::BrokerIdentity() {
  return GetRaw(runner_cf_, kBrokerKey);
}

absl::StatusOr<std::optional<int64_t>> ProjectionStore::Offset(absl::string_view topic,
                                                               int32_t partition) {
  const std::string key = OffsetKey(topic, partition);
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(runner_cf_, key));
  if (!value) return std::nullopt;
  ASSIGN_OR_RETURN(int64_t offset, ParseNumber<int64_t>(*value, key));
  return offset;
}

absl::StatusOr<uint64_t> ProjectionStore::FeedPosition(absl::string_view source) {
  const std::string key = FeedKey(source);
  ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(runner_cf_, key));
  if (!value) return 1;
  return ParseNumber<uint64_t>(*value, key);
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::Get(absl::string_view key) {
  return GetRaw(model_cf_, key);
}

absl::Status ProjectionStore::Scan(
    absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), model_cf_));
  for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
       it->Next()) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return FromRocks(it->status(), "read model scan");
}

absl::StatusOr<std::string> ProjectionStore::Checksum() {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256 init failed");
  }
  auto update_with_length = [&ctx](const rocksdb::Slice& part) {
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(part.size() >> (56 - 8 * i));
    EVP_DigestUpdate(ctx.get(), length, sizeof(length));
    EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  };
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), model_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    update_with_length(it->key());
    update_with_length(it->value());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read model checksum"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &digest_length) != 1) {
    return absl::InternalError("SHA-256 final failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
}

}  // namespace sales::projection
