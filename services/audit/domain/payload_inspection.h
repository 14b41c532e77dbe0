// What the audit trail reads out of an event payload generically, by reflection over the
// generated descriptors linked into the binary — so a new service's events need nothing here.
//
//   ReasonReader reasons;                                    // one per history call
//   absl::string_view why = reasons.Read(envelope.payload()); // "customer asked for a new quote"
//   ASSIGN_OR_RETURN(std::string json, PayloadJson(envelope.payload()));
//
// Thread-safety: PayloadJson is a pure function (the generated pool is immutable); a
// ReasonReader is thread-compatible (one per thread or call).
#ifndef SALES_SERVICES_AUDIT_DOMAIN_PAYLOAD_INSPECTION_H_
#define SALES_SERVICES_AUDIT_DOMAIN_PAYLOAD_INSPECTION_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace sales::audit {

// Reads payloads' top-level singular string field named "reason". Remembers per payload type
// what reflection found (the field, or that there is none) and reuses one decoded message per
// type, so a history of many events of few types looks each type up once and allocates little.
class ReasonReader {
 public:
  // The payload's reason if its type has such a field and the payload decodes; "" otherwise
  // (the domain gives no reason for that event). Valid until the next call.
  absl::string_view Read(const google::protobuf::Any& payload);

 private:
  struct TypeReason {
    const google::protobuf::FieldDescriptor* field = nullptr;  // null: the type has no reason
    std::unique_ptr<google::protobuf::Message> message;        // decoded payload, reused
  };
  TypeReason& LookUp(absl::string_view type_url);

  absl::flat_hash_map<std::string, TypeReason> types_;  // by type URL
  std::string scratch_;
};

// The payload as JSON (proto3 mapping, with its "@type"). INVALID_ARGUMENT when its type is not
// linked into this binary or the bytes do not decode.
absl::StatusOr<std::string> PayloadJson(const google::protobuf::Any& payload);

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_DOMAIN_PAYLOAD_INSPECTION_H_
