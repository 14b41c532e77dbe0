#include "common/testing/grpc_health.h"

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

std::pair<grpc::Status, int> HealthCheck(const std::string& address, const std::string& service) {
  std::string request_bytes;  // HealthCheckRequest { string service = 1; }
  {
    google::protobuf::io::StringOutputStream stream(&request_bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag((1 << 3) | 2);
    coded.WriteVarint32(service.size());
    coded.WriteString(service);
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](const grpc::Status& status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return {status, 0};
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return {grpc::Status(grpc::StatusCode::INTERNAL, "dump"), 0};
  std::string bytes;
  for (const grpc::Slice& s : slices) bytes.append(s.begin(), s.end());
  google::protobuf::UnknownFieldSet fields;  // HealthCheckResponse { ServingStatus status = 1; }
  if (!fields.ParseFromString(bytes)) {
    return {grpc::Status(grpc::StatusCode::INTERNAL, "undecodable health answer"), 0};
  }
  int serving = 0;  // proto3: an absent field is the enum's zero, UNKNOWN
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1) serving = static_cast<int>(fields.field(i).varint());
  }
  return {status, serving};
}

}  // namespace sales::testing
