#include "services/audit/domain/payload_inspection.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace sales::audit {

absl::string_view ReasonReader::Read(const google::protobuf::Any& payload) {
  TypeReason& type = LookUp(payload.type_url());
  if (type.field == nullptr || !type.message->ParseFromString(payload.value())) return "";
  return type.message->GetReflection()->GetStringReference(*type.message, type.field, &scratch_);
}

ReasonReader::TypeReason& ReasonReader::LookUp(absl::string_view type_url) {
  auto found = types_.find(type_url);
  if (found != types_.end()) return found->second;
  TypeReason& type = types_[type_url];
  const size_t slash = type_url.rfind('/');
  const std::string type_name(slash == absl::string_view::npos ? type_url
                                                               : type_url.substr(slash + 1));
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type_name);
  if (descriptor == nullptr) return type;
  const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName("reason");
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return type;
  }
  type.field = field;
  type.message.reset(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  return type;
}

absl::StatusOr<std::string> PayloadJson(const google::protobuf::Any& payload) {
  std::string json;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(payload, &json);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload ", payload.type_url(),
                     " cannot be rendered as JSON: ", std::string(status.message())));
  }
  return json;
}

}  // namespace sales::audit
