#include "common/metrics/metrics_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct HttpResponse {
  int status = 0;
  std::string headers;  // lower-cased, one "name: value" per line
  std::string body;
};

// A minimal HTTP/1.1 client on a POSIX socket: one request, then reads until the server closes.
absl::StatusOr<HttpResponse> HttpRequest(int port, absl::string_view method,
                                         absl::string_view path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  timeval timeout{.tv_sec = 10, .tv_usec = 0};  // bounds the test if the server hangs
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect: ", std::strerror(errno)));
  }
  const std::string request = absl::StrCat(method, " ", path,
                                           " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Connection: close\r\nContent-Length: 0\r\n\r\n");
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
  }
  std::string raw;
  char buffer[4096];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) break;
    if (n < 0) return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
    raw.append(buffer, static_cast<size_t>(n));
  }

  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) return absl::DataLossError("no end of headers: " + raw);
  HttpResponse response;
  response.body = raw.substr(header_end + 4);
  std::vector<std::string> lines = absl::StrSplit(raw.substr(0, header_end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError("bad status line: " + lines[0]);
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::StrAppend(&response.headers, absl::AsciiStrToLower(lines[i]), "\n");
  }
  return response;
}

class MetricsHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.GetCounter("sales_test_total", "A test counter.", {{"topic", "t"}})->Increment(5);
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
        MetricsHttpServer::Start(&registry_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
  }

  MetricsRegistry registry_;
  std::unique_ptr<MetricsHttpServer> server_;
};

TEST_F(MetricsHttpServerTest, ServesTheRegistryAtMetrics) {
  absl::StatusOr<HttpResponse> response = HttpRequest(server_->port(), "GET", "/metrics");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->headers,
              HasSubstr("content-type: text/plain; version=0.0.4; charset=utf-8\n"));
  EXPECT_THAT(response->body, HasSubstr("\nsales_test_total{topic=\"t\"} 5\n"));
  EXPECT_EQ(response->body, registry_.RenderPrometheus());
}

TEST_F(MetricsHttpServerTest, AnswersHealthz) {
  absl::StatusOr<HttpResponse> response = HttpRequest(server_->port(), "GET", "/healthz");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
}

// Regression: two slow clients holding their connections made /healthz miss 60 % of probes, six
// made it miss all. Slow clients each hold a worker only until the (short) request timeout, and
// there are workers to spare for the probes meanwhile.
TEST_F(MetricsHttpServerTest, HealthzAnswersWhileSlowClientsHoldConnections) {
  std::vector<int> slow;
  for (int i = 0; i < 6; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server_->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    const std::string partial = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n";  // never ends
    ::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  int answered = 0;
  for (int probe = 0; probe < 5; ++probe) {
    absl::StatusOr<HttpResponse> health = HttpRequest(server_->port(), "GET", "/healthz");
    if (health.ok() && health->status == 200) ++answered;
  }
  for (int fd : slow) ::close(fd);
  EXPECT_EQ(answered, 5);
}

TEST_F(MetricsHttpServerTest, AnythingElseIsNotFound) {
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/"},
                                                        {"GET", "/metricsx"},
                                                        {"GET", "/metrics/x"},
                                                        {"GET", "/favicon.ico"},
                                                        {"POST", "/metrics"},
                                                        {"DELETE", "/healthz"}}) {
    absl::StatusOr<HttpResponse> response = HttpRequest(server_->port(), method, path);
    ASSERT_TRUE(response.ok()) << method << " " << path << ": " << response.status();
    EXPECT_EQ(response->status, 404) << method << " " << path;
    EXPECT_THAT(response->body, Not(HasSubstr("sales_test_total"))) << method << " " << path;
  }
}

TEST_F(MetricsHttpServerTest, SecondServerOnTheSamePortFailsNamingThePort) {
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> second =
      MetricsHttpServer::Start(&registry_, "127.0.0.1", server_->port());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", server_->port())));
  EXPECT_THAT(second.status().message(), HasSubstr("Address already in use"));
}

TEST_F(MetricsHttpServerTest, DestroyingTheServerStopsListening) {
  const int port = server_->port();
  server_.reset();
  absl::StatusOr<HttpResponse> response = HttpRequest(port, "GET", "/healthz");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
}

}  // namespace
}  // namespace sales::metrics
