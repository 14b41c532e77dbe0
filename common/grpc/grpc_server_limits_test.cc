// GrpcServer's connection limits, seen from outside with a hand-written HTTP/2 client (no gRPC
// library on the client side): the stream limit a connection is told, and a flood of streams
// opened and reset at once on one connection (what took a server's RSS up by 300 MB for good).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/grpc_server.h"
#include "common/runtime/memory_release.h"
#include "common/testing/grpc_probes.h"
#include "gtest/gtest.h"

namespace sales::grpc_server {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr uint8_t kHeaders = 0x1, kRstStream = 0x3, kSettings = 0x4;
constexpr uint8_t kEndHeaders = 0x4;
constexpr uint16_t kMaxConcurrentStreams = 0x3;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

struct Frame {
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream = 0;
  std::string payload;
};

std::string FrameBytes(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string out;
  out.push_back(static_cast<char>(payload.size() >> 16));
  out.push_back(static_cast<char>(payload.size() >> 8));
  out.push_back(static_cast<char>(payload.size()));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((stream >> shift) & 0x7f));
  return out + payload;
}

// HPACK "literal header field without indexing" with a static-table name index below 15, or a
// new name when `name_index` is 0.
std::string Literal(int name_index, const std::string& name, const std::string& value) {
  std::string out(1, static_cast<char>(name_index));
  if (name_index == 0) out += std::string(1, static_cast<char>(name.size())) + name;
  return out + std::string(1, static_cast<char>(value.size())) + value;
}

// The request headers of a gRPC call of `path`.
std::string RequestHeaders(const std::string& path) {
  std::string block;
  block.push_back(static_cast<char>(0x83));  // :method POST (static index 3)
  block.push_back(static_cast<char>(0x86));  // :scheme http (6)
  block += Literal(4, "", path);             // :path
  block += Literal(1, "", "localhost");      // :authority
  block += Literal(0, "content-type", "application/grpc");
  block += Literal(0, "te", "trailers");
  return block;
}

// A plain TCP connection speaking HTTP/2 frames.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    timeval timeout{.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~RawConnection() { close(fd_); }

  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // The next frame, or nullopt when the connection ended or nothing came within 10 s.
  std::optional<Frame> ReadFrame() {
    std::string header;
    if (!ReadExactly(9, header)) return std::nullopt;
    Frame frame;
    const auto byte = [&](int i) { return static_cast<uint8_t>(header[i]); };
    const size_t length = (size_t{byte(0)} << 16) | (size_t{byte(1)} << 8) | byte(2);
    frame.type = byte(3);
    frame.flags = byte(4);
    frame.stream = ((uint32_t{byte(5)} & 0x7f) << 24) | (uint32_t{byte(6)} << 16) |
                   (uint32_t{byte(7)} << 8) | byte(8);
    if (!ReadExactly(length, frame.payload)) return std::nullopt;
    return frame;
  }

 private:
  bool ReadExactly(size_t count, std::string& out) {
    out.resize(count);
    size_t got = 0;
    while (got < count) {
      const ssize_t n = recv(fd_, out.data() + got, count - got, 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
};

// The server's SETTINGS value `id`, from the first SETTINGS frame it sends.
std::optional<uint32_t> ServerSetting(RawConnection& connection, uint16_t id) {
  for (int frames = 0; frames < 20; ++frames) {
    std::optional<Frame> frame = connection.ReadFrame();
    if (!frame.has_value()) return std::nullopt;
    if (frame->type != kSettings || (frame->flags & 0x1) != 0) continue;  // not an ACK
    for (size_t at = 0; at + 6 <= frame->payload.size(); at += 6) {
      const auto byte = [&](size_t i) { return static_cast<uint8_t>(frame->payload[at + i]); };
      if (((byte(0) << 8) | byte(1)) != id) continue;
      return (uint32_t{byte(2)} << 24) | (uint32_t{byte(3)} << 16) | (uint32_t{byte(4)} << 8) |
             byte(5);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

TEST(GrpcServerLimitsTest, EveryConnectionIsToldTheStreamLimit) {
  auto server = GrpcServer::Start({.max_concurrent_streams_per_connection = 7}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  RawConnection connection((*server)->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(std::string(kPreface) + FrameBytes(kSettings, 0, 0, "")));
  EXPECT_EQ(ServerSetting(connection, kMaxConcurrentStreams), std::optional<uint32_t>(7));
}

// 20,000 streams opened and reset at once on one connection: the server stays healthy and keeps
// no more than a bounded amount of memory for them once they are gone.
TEST(GrpcServerLimitsTest, AFloodOfResetStreamsLeavesTheServerHealthyAndItsMemoryBounded) {
  auto server = GrpcServer::Start({}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();
  RawConnection connection((*server)->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(std::string(kPreface) + FrameBytes(kSettings, 0, 0, "")));
  std::atomic<bool> reading{true};
  std::thread drain([&] {  // the server's answers (RST_STREAM, SETTINGS …) are not looked at
    while (reading && connection.ReadFrame().has_value()) {
    }
  });
  const std::string headers = RequestHeaders("/grpc.health.v1.Health/Check");
  const std::string cancel("\0\0\0\x08", 4);  // RST_STREAM error code CANCEL
  uint32_t next_stream = 1;
  auto flood = [&](int pairs) {
    std::string burst;
    for (int i = 0; i < pairs; ++i, next_stream += 2) {
      burst += FrameBytes(kHeaders, kEndHeaders, next_stream, headers);
      burst += FrameBytes(kRstStream, 0, next_stream, cancel);
      if (burst.size() > (1 << 16)) {
        if (!connection.Send(burst)) return false;
        burst.clear();
      }
    }
    return connection.Send(burst);
  };
  auto healthy = [&] {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (sales::testing::HealthCheck(address, "").first.ok()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  };

  ASSERT_TRUE(flood(2'000));
  ASSERT_TRUE(healthy());
  absl::SleepFor(absl::Seconds(1));
  const int64_t before = runtime::ResidentBytes();
  const bool sent = flood(20'000);  // the server may close the connection: that is allowed
  EXPECT_TRUE(healthy()) << "the server must keep answering other clients";
  absl::SleepFor(absl::Seconds(1));
  const int64_t peak = runtime::ResidentBytes() - before;
  // What every process does every 5 s (PeriodicMemoryRelease), while the server tears the last
  // cancelled calls down.
  int64_t kept = peak;
  // A sanitizer's allocator keeps freed memory on purpose (quarantine): nothing to measure there.
  constexpr bool kMeasurable = !kSanitized;
  for (int attempt = 0; kMeasurable && attempt < 20 && kept >= (int64_t{16} << 20); ++attempt) {
    runtime::ReleaseFreeMemory();
    kept = runtime::ResidentBytes() - before;
    if (kept >= (int64_t{16} << 20)) absl::SleepFor(absl::Milliseconds(500));
  }
  std::cout << "flood of 20,000 reset streams (connection "
            << (sent ? "kept" : "closed by the server") << "): resident memory +"
            << peak / (1 << 20) << " MiB after it, +" << kept / (1 << 20)
            << " MiB once freed memory is released\n";
  if (kMeasurable) {
    EXPECT_LT(kept, int64_t{16} << 20) << "the streams' memory must not be kept";
  }
  reading = false;
  (*server)->Shutdown(absl::Now());
  drain.join();
}

}  // namespace
}  // namespace sales::grpc_server
