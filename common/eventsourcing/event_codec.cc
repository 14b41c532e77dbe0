#include "common/eventsourcing/event_codec.h"

#include <memory>
#include <string>

#include "absl/base/const_init.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"

namespace sales::eventsourcing {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::OneofDescriptor;

const OneofDescriptor* TheOneof(const Descriptor& wrapper) {
  return wrapper.oneof_decl_count() > 0 ? wrapper.oneof_decl(0) : nullptr;
}

// A wrapper type's oneof fields by the full name of their message type.
using FieldsByType = absl::flat_hash_map<std::string, const FieldDescriptor*>;

FieldsByType IndexFieldsByType(const Descriptor& wrapper) {
  FieldsByType fields;
  const OneofDescriptor* oneof = TheOneof(wrapper);
  if (oneof == nullptr) return fields;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->message_type() != nullptr) fields.emplace(field->message_type()->full_name(), field);
  }
  return fields;
}

// Built once per wrapper type and kept for the process (a handful of types): a projection looks
// up every event's field here, and scanning the oneof's fields by name was 2 % of a runner's
// instructions. Each thread keeps pointers to the indexes it has used, so that the shared
// table's lock is taken once per thread and type.
const FieldsByType& FieldsOf(const Descriptor* wrapper) {
  thread_local absl::flat_hash_map<const Descriptor*, const FieldsByType*> used;
  const FieldsByType*& known = used[wrapper];
  if (known != nullptr) return *known;
  static absl::Mutex mu(absl::kConstInit);
  static auto* const indexes =  // guarded by mu
      new absl::flat_hash_map<const Descriptor*, std::unique_ptr<const FieldsByType>>();
  absl::MutexLock lock(&mu);
  std::unique_ptr<const FieldsByType>& fields = (*indexes)[wrapper];
  if (fields == nullptr) fields = std::make_unique<const FieldsByType>(IndexFieldsByType(*wrapper));
  known = fields.get();
  return *fields;
}

const FieldDescriptor* FieldOfType(const Message& wrapper, absl::string_view full_name) {
  const FieldsByType& fields = FieldsOf(wrapper.GetDescriptor());
  const auto it = fields.find(full_name);
  return it == fields.end() ? nullptr : it->second;
}

absl::string_view TypeName(const google::protobuf::Any& payload) {
  absl::string_view url = payload.type_url();
  const size_t slash = url.rfind('/');
  return slash == absl::string_view::npos ? url : url.substr(slash + 1);
}

// Parses `payload` into the wrapper's oneof `field` (of the payload's type).
absl::Status ParseInto(const google::protobuf::Any& payload, const FieldDescriptor* field,
                       Message& wrapper) {
  wrapper.Clear();
  Message* event = wrapper.GetReflection()->MutableMessage(&wrapper, field);
  if (!event->ParseFromString(payload.value())) {
    return absl::DataLossError(
        absl::StrCat("payload of type ", TypeName(payload), " does not parse"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<google::protobuf::Any> PackEvent(const Message& wrapper) {
  const OneofDescriptor* oneof = TheOneof(*wrapper.GetDescriptor());
  if (oneof == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(wrapper.GetTypeName(), " has no oneof: not an event wrapper"));
  }
  const auto* reflection = wrapper.GetReflection();
  const FieldDescriptor* field = reflection->GetOneofFieldDescriptor(wrapper, oneof);
  if (field == nullptr || field->message_type() == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(wrapper.GetTypeName(), " holds no event"));
  }
  google::protobuf::Any payload;
  payload.PackFrom(reflection->GetMessage(wrapper, field));
  return payload;
}

absl::Status UnpackEvent(const google::protobuf::Any& payload, Message& wrapper) {
  const FieldDescriptor* field = FieldOfType(wrapper, TypeName(payload));
  if (field == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(wrapper.GetTypeName(), " has no event of type ", TypeName(payload)));
  }
  return ParseInto(payload, field, wrapper);
}

bool WrapperHolds(const Message& wrapper, absl::string_view full_name) {
  return FieldOfType(wrapper, full_name) != nullptr;
}

absl::Status UnpackProjectedEvent(absl::string_view projection,
                                  const google::protobuf::Any& payload, Message& wrapper) {
  const absl::string_view full_name = TypeName(payload);
  const FieldDescriptor* field = FieldOfType(wrapper, full_name);
  if (field == nullptr) {
    return absl::UnimplementedError(absl::StrCat(projection, ": unknown event ", full_name));
  }
  if (absl::Status unpacked = ParseInto(payload, field, wrapper); !unpacked.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(projection, ": ", unpacked.message()));
  }
  return absl::OkStatus();
}

}  // namespace sales::eventsourcing
