#include "common/log/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::log {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kTs =
    absl::FromCivil(absl::CivilSecond(2026, 11, 23, 4, 19, 18), absl::UTCTimeZone()) +
    absl::Milliseconds(123);

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override {
    SetSinkForTesting(nullptr);
    SetMinLevel(Level::kInfo);
  }

  // Captures every line written while the test runs.
  void CaptureLines() {
    SetSinkForTesting([this](absl::string_view line) { lines_.emplace_back(line); });
  }

  std::vector<std::string> lines_;
};

TEST_F(LogTest, FormatsOneJsonObjectWithFieldsInOrder) {
  std::string topic = "sales.leads.v1";
  EXPECT_EQ(FormatLine(kTs, Level::kInfo, "relay.published", {{"topic", topic}, {"count", 12}}),
            R"({"ts":"2026-11-23T04:19:18.123Z","level":"info","msg":"relay.published",)"
            R"("topic":"sales.leads.v1","count":12})");
}

TEST_F(LogTest, FormatsEveryValueType) {
  EXPECT_EQ(FormatLine(kTs, Level::kError, "m",
                       {{"neg", int64_t{-5}},
                        {"big", std::numeric_limits<uint64_t>::max()},
                        {"half", 0.5},
                        {"whole", 3.0},
                        {"nan", std::numeric_limits<double>::quiet_NaN()},
                        {"inf", -std::numeric_limits<double>::infinity()},
                        {"yes", true},
                        {"no", false},
                        {"view", absl::string_view("v")},
                        {"std", std::string("s")}}),
            R"({"ts":"2026-11-23T04:19:18.123Z","level":"error","msg":"m","neg":-5,)"
            R"("big":18446744073709551615,"half":0.5,"whole":3,"nan":"nan","inf":"-inf",)"
            R"("yes":true,"no":false,"view":"v","std":"s"})");
}

TEST_F(LogTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(FormatLine(kTs, Level::kWarn, "a\"b\\c", {{"k\"", "x\ny\r\tz\x01\x1f\x7f"}}),
            R"({"ts":"2026-11-23T04:19:18.123Z","level":"warn","msg":"a\"b\\c",)"
            R"("k\"":"x\ny\r\tz\u0001\u001f\u007f"})");
  EXPECT_EQ(FormatLine(kTs, Level::kInfo, absl::string_view("nul\0end", 7), {}),
            R"({"ts":"2026-11-23T04:19:18.123Z","level":"info","msg":"nul\u0000end"})");
}

TEST_F(LogTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  struct Case {
    std::string input;
    std::string json;
  };
  const std::vector<Case> cases = {
      {"\xe2\x82\xac \xf0\x9f\x98\x80", "\"\xe2\x82\xac \xf0\x9f\x98\x80\""},  // € and 😀 kept
      {"a\xff"
       "b",
       R"("a\ufffdb")"},                                      // byte never valid in UTF-8
      {"\xe2\x82", R"("\ufffd\ufffd")"},                      // truncated at the end
      {"\xe2\x82z", R"("\ufffd\ufffdz")"},                    // truncated by an ASCII byte
      {"\xc0\xaf", R"("\ufffd\ufffd")"},                      // overlong '/'
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},            // UTF-16 surrogate
      {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
      {"\x80", R"("\ufffd")"},                                // stray continuation byte
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatLine(kTs, Level::kInfo, "m", {{"v", c.input}}),
              absl::StrCat(R"({"ts":"2026-11-23T04:19:18.123Z","level":"info","msg":"m","v":)",
                           c.json, "}"))
        << c.input;
  }
}

TEST_F(LogTest, DropsLinesBelowMinLevel) {
  CaptureLines();
  SetMinLevel(Level::kWarn);
  Debug("d");
  Info("i");
  Warn("w", {{"n", 1}});
  Error("e");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_THAT(lines_[0], HasSubstr(R"("level":"warn","msg":"w","n":1})"));
  EXPECT_THAT(lines_[1], HasSubstr(R"("level":"error","msg":"e"})"));

  lines_.clear();
  SetMinLevel(Level::kDebug);
  Debug("d");
  EXPECT_THAT(lines_, ElementsAre(HasSubstr(R"("level":"debug","msg":"d"})")));
}

// Restores stderr when the test ends, whatever happens.
class StderrRedirect {
 public:
  explicit StderrRedirect(const std::string& path) : saved_(::dup(STDERR_FILENO)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrRedirect() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

TEST_F(LogTest, ConcurrentWritersToStderrProduceWholeLines) {
  constexpr int kThreads = 8;
  constexpr int kLinesPerThread = 200;
  // Long lines make a torn write likely if lines were not written whole.
  const std::string padding(3000, 'x');
  const std::string path = absl::StrCat(::testing::TempDir(), "/log_test_", ::getpid(), ".txt");
  {
    StderrRedirect redirect(path);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([t, &padding] {
        for (int i = 0; i < kLinesPerThread; ++i) {
          Info("concurrent", {{"thread", t}, {"i", i}, {"padding", padding}});
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  std::stringstream contents;
  contents << std::ifstream(path).rdbuf();
  std::remove(path.c_str());

  std::vector<std::string> lines = absl::StrSplit(contents.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), size_t{kThreads} * kLinesPerThread);
  std::set<std::pair<int, int>> seen;
  for (const std::string& line : lines) {
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(),
                          R"({"ts":"%*24c","level":"info","msg":"concurrent","thread":%d,"i":%d,)",
                          &t, &i),
              2)
        << line.substr(0, 200);
    EXPECT_EQ(line, FormatLine(absl::UnixEpoch(), Level::kInfo, "concurrent",
                               {{"thread", t}, {"i", i}, {"padding", padding}})
                        .replace(7, 24, line.substr(7, 24)));
    seen.emplace(t, i);
  }
  EXPECT_EQ(seen.size(), size_t{kThreads} * kLinesPerThread);
}

}  // namespace
}  // namespace sales::log
