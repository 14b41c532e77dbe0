// Read-model rows stored as protobuf messages: decoding with the projection's name in the error,
// and the three ways a projection reads one — within a batch (ProjectionTxn: absent is a default
// message) and from the committed store (ProjectionStore: absent is nullopt).
//
//   ASSIGN_OR_RETURN(v1::Order order, LoadRow<v1::Order>(txn, key, kName));       // in Apply
//   ASSIGN_OR_RETURN(std::optional<v1::Order> found, ReadRow<v1::Order>(store, key, kName));
//
// DATA_LOSS "<projection>: row <key> does not decode" for stored bytes that do not parse.
// Thread-safety: as the txn's or store's.
#ifndef SALES_COMMON_PROJECTION_ROW_CODEC_H_
#define SALES_COMMON_PROJECTION_ROW_CODEC_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"
#include "common/status/status_macros.h"

namespace sales::projection {

template <typename Row>
absl::StatusOr<Row> DecodeRow(absl::string_view key, absl::string_view bytes,
                              absl::string_view projection) {
  Row row;
  if (!row.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(projection, ": row ", key, " does not decode"));
  }
  return row;
}

// The row under `key` within a batch; a default Row when there is none.
template <typename Row>
absl::StatusOr<Row> LoadRow(ProjectionTxn& txn, absl::string_view key,
                            absl::string_view projection) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, txn.Get(key));
  if (!bytes.has_value()) return Row();
  return DecodeRow<Row>(key, *bytes, projection);
}

// The committed row under `key`; nullopt when there is none.
template <typename Row>
absl::StatusOr<std::optional<Row>> ReadRow(ProjectionStore& store, absl::string_view key,
                                           absl::string_view projection) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.Get(key));
  if (!bytes.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(Row row, DecodeRow<Row>(key, *bytes, projection));
  return row;
}

// A message row held decoded for the rest of the runner's batch (ProjectionTxn::Mutable): the
// same object for every event of the batch, serialized once at commit.
template <typename Row>
class MessageRow final : public AccumulatedRow {
 public:
  std::string Encode() const override { return row.SerializeAsString(); }
  Row row;
};

// The batch's decoded row under `key` (a default Row when there is none): every use of `key` in
// the batch must go through it. DATA_LOSS when the stored bytes do not decode.
template <typename Row>
absl::StatusOr<Row*> MutableRow(ProjectionTxn& txn, absl::string_view key,
                                absl::string_view projection) {
  ASSIGN_OR_RETURN(AccumulatedRow* const held,
                   txn.Mutable(key,
                               [&](std::optional<absl::string_view> stored)
                                   -> absl::StatusOr<std::unique_ptr<AccumulatedRow>> {
                                 auto loaded = std::make_unique<MessageRow<Row>>();
                                 if (stored.has_value()) {
                                   ASSIGN_OR_RETURN(loaded->row,
                                                    DecodeRow<Row>(key, *stored, projection));
                                 }
                                 return loaded;
                               }));
  return &static_cast<MessageRow<Row>*>(held)->row;  // the key is only ever loaded above
}

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_ROW_CODEC_H_
