#include "common/eventsourcing/event_codec.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace sales::eventsourcing {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::OneofDescriptor;

const OneofDescriptor* TheOneof(const Message& wrapper) {
  const auto* descriptor = wrapper.GetDescriptor();
  return descriptor->oneof_decl_count() > 0 ? descriptor->oneof_decl(0) : nullptr;
}

const FieldDescriptor* FieldOfType(const Message& wrapper, absl::string_view full_name) {
  const OneofDescriptor* oneof = TheOneof(wrapper);
  if (oneof == nullptr) return nullptr;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->message_type() != nullptr && field->message_type()->full_name() == full_name) {
      return field;
    }
  }
  return nullptr;
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
  const OneofDescriptor* oneof = TheOneof(wrapper);
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
