#include "common/testing/grpc_probes.h"

#include <future>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace sales::testing {
namespace {

using ::google::protobuf::UnknownFieldSet;

constexpr absl::Duration kDeadline = absl::Seconds(20);

// A message of one length-delimited field.
grpc::ByteBuffer StringFieldMessage(int field_number, const std::string& value) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag((field_number << 3) | 2);
    coded.WriteVarint32(value.size());
    coded.WriteString(value);
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Fills `fields` from the message in `buffer`; false when it is not one.
bool ParseFields(const grpc::ByteBuffer& buffer, UnknownFieldSet& fields) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& slice : slices) bytes.append(slice.begin(), slice.end());
  return fields.ParseFromString(bytes);
}

// ServerReflectionInfo with list_services (field 7); each answer's list_services_response (6)
// holds repeated ServiceResponse (1) {name (1)}.
class ListServicesCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit ListServicesCall(const std::string& address)
      : stub_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        request_(StringFieldMessage(7, "")) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    stub_.PrepareBidiStreamingCall(&context_,
                                   "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  // Blocks until the call ends.
  std::pair<grpc::Status, std::vector<std::string>> Await() {
    grpc::Status status = done_.get_future().get();
    if (status.ok() && !undecodable_.empty()) {
      status = grpc::Status(grpc::StatusCode::INTERNAL, undecodable_);
    }
    return {status, names_};
  }

  void OnWriteDone(bool ok) override {
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    CollectNames();
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

 private:
  void CollectNames() {
    UnknownFieldSet response;
    if (!ParseFields(response_, response)) {
      undecodable_ = "undecodable reflection answer";
      return;
    }
    for (int i = 0; i < response.field_count(); ++i) {
      if (response.field(i).number() != 6) continue;
      UnknownFieldSet list;
      if (!list.ParseFromString(response.field(i).length_delimited())) {
        undecodable_ = "undecodable list_services_response";
        return;
      }
      for (int j = 0; j < list.field_count(); ++j) {
        UnknownFieldSet service;
        if (!service.ParseFromString(list.field(j).length_delimited())) {
          undecodable_ = "undecodable ServiceResponse";
          return;
        }
        for (int k = 0; k < service.field_count(); ++k) {
          if (service.field(k).number() == 1) names_.push_back(service.field(k).length_delimited());
        }
      }
    }
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::vector<std::string> names_;  // reaction threads, then Await after the call ended
  std::string undecodable_;
  std::promise<grpc::Status> done_;
};

}  // namespace

std::pair<grpc::Status, int> HealthCheck(const std::string& address, const std::string& service) {
  grpc::ByteBuffer request = StringFieldMessage(1, service);  // HealthCheckRequest { service }
  grpc::ByteBuffer response;
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](const grpc::Status& status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return {status, 0};
  UnknownFieldSet fields;  // HealthCheckResponse { ServingStatus status = 1; }
  if (!ParseFields(response, fields)) {
    return {grpc::Status(grpc::StatusCode::INTERNAL, "undecodable health answer"), 0};
  }
  int serving = 0;  // proto3: an absent field is the enum's zero, UNKNOWN
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1) serving = static_cast<int>(fields.field(i).varint());
  }
  return {status, serving};
}

std::pair<grpc::Status, std::vector<std::string>> ListServices(const std::string& address) {
  ListServicesCall call(address);
  return call.Await();
}

}  // namespace sales::testing
