#include "common/projection/paged_scan.h"

#include <memory>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "openssl/sha.h"

namespace sales::projection {

absl::Status ValidatePageSize(int32_t page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("page_size",
                        absl::StrCat("must be 1–", kMaxPageSize, " (0 = ", kDefaultPageSize, ")"));
  }
  return absl::OkStatus();
}

namespace {

// 16 hex digits of SHA-256 over the query and the key.
std::string Seal(absl::string_view query, absl::string_view key) {
  std::string input = absl::StrCat(query.size(), ":", query, key);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 8));
}

// The key a token names, if it is a token of `query` under `prefix`.
std::optional<std::string> Unseal(absl::string_view query, absl::string_view prefix,
                                  absl::string_view token) {
  const size_t dot = token.rfind('.');
  if (dot == absl::string_view::npos) return std::nullopt;
  std::string key;
  if (!absl::WebSafeBase64Unescape(token.substr(0, dot), &key)) return std::nullopt;
  if (!absl::StartsWith(key, prefix) || token.substr(dot + 1) != Seal(query, key)) {
    return std::nullopt;
  }
  return key;
}

}  // namespace

std::string PageQueryOf(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> query(request.New());
  query->CopyFrom(request);
  const google::protobuf::Descriptor* descriptor = query->GetDescriptor();
  for (const char* paging : {"page_size", "page_token"}) {
    if (const auto* field = descriptor->FindFieldByName(paging)) {
      query->GetReflection()->ClearField(query.get(), field);
    }
  }
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  query->SerializeToCodedStream(&coded);
  coded.Trim();
  return absl::StrCat(descriptor->full_name(), ":", bytes);
}

std::string PageTokenAfter(absl::string_view query, absl::string_view key) {
  return absl::StrCat(absl::WebSafeBase64Escape(key), ".", Seal(query, key));
}

absl::StatusOr<std::string> ScanPage(
    ProjectionStore& store, absl::string_view prefix, absl::string_view query,
    absl::string_view page_token, PageLimits limits,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)> offer) {
  RETURN_IF_ERROR(ValidatePageSize(limits.page_size));
  const size_t page_size = limits.page_size == 0 ? kDefaultPageSize : limits.page_size;
  std::string after;  // the last key of the previous page; "" on the first
  if (!page_token.empty()) {
    std::optional<std::string> key = Unseal(query, prefix, page_token);
    if (!key.has_value()) return InvalidField("page_token", "not a token of this query");
    after = *std::move(key);
  }
  size_t taken = 0;
  size_t scanned = 0;
  std::string last_examined;
  std::string next_token;
  absl::Status offered;
  RETURN_IF_ERROR(store.ScanFrom(prefix, after.empty() ? prefix : after,
                                 [&](absl::string_view key, absl::string_view value) {
                                   if (!after.empty() && key == after)
                                     return true;  // the previous page's last row
                                   if (taken == page_size || scanned == limits.max_scanned) {
                                     // A row remains: the next page starts after the last one
                                     // examined.
                                     next_token = PageTokenAfter(query, last_examined);
                                     return false;
                                   }
                                   ++scanned;
                                   last_examined.assign(key.data(), key.size());
                                   absl::StatusOr<bool> took = offer(key, value);
                                   if (!took.ok()) {
                                     offered = took.status();
                                     return false;
                                   }
                                   if (*took) ++taken;
                                   return true;
                                 }));
  RETURN_IF_ERROR(offered);
  return next_token;
}

}  // namespace sales::projection
