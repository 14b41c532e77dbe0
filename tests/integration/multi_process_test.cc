// The platform as separate processes (deploy/loopback/run.sh): a broker process, the org, leads,
// channels and orders contexts' own processes and the read side's own process, talking only over
// Kafka and gRPC on 127.0.0.1. The journey org → leads → funnel → audit crosses all four: a rep is
// added in the org process and a lead is captured, assigned to that rep and won in the leads
// process (on its org replica), the read side's funnel counts it and its audit shows the deal's
// history and verifies its hash chain against the leads store through the leads EventFeed.
#include <signal.h>

#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales {
namespace {

using ::sales::testing::RunCommand;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(60);

// The script's addresses.env once every process is up; empty when it never appears.
std::map<std::string, std::string> WaitForAddresses(const std::string& dir) {
  for (const absl::Time until = absl::Now() + kPatience; absl::Now() < until;) {
    std::ifstream file(dir + "/addresses.env");
    std::map<std::string, std::string> addresses;
    for (std::string line; std::getline(file, line);) {
      std::pair<std::string, std::string> entry = absl::StrSplit(line, absl::MaxSplits('=', 1));
      addresses[entry.first] = entry.second;
    }
    if (addresses.contains("READ_METRICS")) return addresses;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return {};
}

// Runs `command` until its output contains `expected` (or the patience runs out); the last output.
std::string PollUntil(const std::string& command, const std::string& expected) {
  return ::sales::testing::RunCommandUntil(command + " 2>&1", expected, kPatience);
}

class MultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // setsid: the script and its processes get a process group of their own to stop.
    const std::string start =
        absl::StrCat("setsid ", SOURCE_DIR, "/deploy/loopback/run.sh --dir ", dir_.path(),
                     " --bin ", BUILD_DIR, " --demo > ", dir_.path(), "/script.log 2>&1 & echo $!");
    auto [exit_code, pid] = RunCommand(start);
    ASSERT_EQ(exit_code, 0);
    script_pid_ = std::stoi(pid);
    addresses_ = WaitForAddresses(dir_.path());
    ASSERT_FALSE(addresses_.empty()) << RunCommand("cat " + dir_.path() + "/*.log").second;
  }

  void TearDown() override {
    if (script_pid_ <= 0) return;
    kill(script_pid_, SIGTERM);  // the script stops its processes, read side first
    for (int i = 0; i < 300 && kill(script_pid_, 0) == 0; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    kill(-script_pid_, SIGKILL);  // whatever is left of the group
  }

  std::string Salesctl(const std::string& address_key) {
    return absl::StrCat(SALESCTL_PATH, " --server ", addresses_[address_key]);
  }

  testing::TempDir dir_;
  int script_pid_ = 0;
  std::map<std::string, std::string> addresses_;
};

TEST_F(MultiProcessTest, LeadToFunnelToAuditAcrossProcesses) {
  const std::string org = Salesctl("ORG_GRPC");
  const std::string leads = Salesctl("LEADS_GRPC");
  const std::string read = Salesctl("READ_GRPC");

  // The demo deal, written by the leads process, is in the read side's index, and its tamper
  // check reads the stored bytes from the leads process: something was checked, all intact.
  EXPECT_THAT(PollUntil(read + " audit history D-2026-001", "LeadCaptured"),
              HasSubstr("LeadCaptured"));
  auto [verify_exit, verify] = RunCommand(read + " --json audit verify --deal D-2026-001 2>&1");
  EXPECT_EQ(verify_exit, 0) << verify;
  EXPECT_THAT(verify, HasSubstr("\"intact\": true"));
  EXPECT_THAT(verify, ::testing::ContainsRegex("\"events_checked\": \"[1-9]"));

  // A new rep in the org process …
  auto [rep_exit, rep] = RunCommand(
      org + " org add-rep --id mp.rep --name 多进程 --team east-smb --manager li.xue 2>&1");
  ASSERT_EQ(rep_exit, 0) << rep;
  // … and a new lead through the pipeline in the leads process, assigned to that rep.
  for (const std::string& command : {
           std::string(" leads capture --lead-id L-900 --source web --company \"多进程测试\" "
                       "--contact 王五 --email wang.wu@multi.example --region east "
                       "--product-line erp --segment smb --size medium --value 120000"),
           std::string(" leads assign L-900 --rep mp.rep"),
           std::string(" leads convert L-900 --deal-id D-MP-1"),
           std::string(" leads win L-900 --reason signed"),
       }) {
    auto [exit_code, out] = RunCommand(leads + command + " 2>&1");
    ASSERT_EQ(exit_code, 0) << command << "\n" << out;
  }
  // … reaches the read side's audit (and so its index) in the other process.
  const std::string history = PollUntil(read + " audit history D-MP-1", "DealWon");
  EXPECT_THAT(history, HasSubstr("DealWon"));
  EXPECT_THAT(history, HasSubstr("LeadCaptured"));
  auto [deal_exit, deal_verify] = RunCommand(read + " audit verify --deal D-MP-1 2>&1");
  EXPECT_EQ(deal_exit, 0) << deal_verify;
  EXPECT_THAT(deal_verify, HasSubstr("intact"));
  // The funnel of the read side counts the won deal.
  auto [funnel_exit, funnel] = RunCommand(read + " funnel show --period year 2>&1");
  EXPECT_EQ(funnel_exit, 0) << funnel;
  EXPECT_THAT(funnel, HasSubstr("won"));
  auto [list_exit, listed] = RunCommand(read + " projection list 2>&1");
  EXPECT_EQ(list_exit, 0) << listed;
  EXPECT_THAT(listed, HasSubstr("funnel"));
  EXPECT_THAT(listed, HasSubstr("deal-history"));
}

// The channels process serves its demo, and its auto-claim process manager, fed by the leads
// process over Kafka, claims a new partner lead of the leads process for its channel; the claim
// reaches the deal's audit history on the read side once the lead is converted.
TEST_F(MultiProcessTest, PartnerLeadIsClaimedAcrossProcessesAndInTheDealsHistory) {
  const std::string leads = Salesctl("LEADS_GRPC");
  const std::string channels = Salesctl("CHANNELS_GRPC");
  const std::string read = Salesctl("READ_GRPC");
  EXPECT_THAT(PollUntil(channels + " channels conflicts", "partner-lingnan"),
              HasSubstr("cust-hengrui-precision"));
  // A demo partner lead of the leads process, claimed by the channels process.
  EXPECT_THAT(PollUntil(channels + " channels claims --lead L-004", "partner-huadong-it"),
              HasSubstr("active"));

  for (const std::string& command : {
           std::string(" leads capture --lead-id L-901 --source partner-channel "
                       "--channel partner-huadong-it --company \"渠道测试\" --contact 赵六 "
                       "--email zhao.liu@channel.example --region east --product-line crm "
                       "--segment smb --size small --value 80000"),
           std::string(" leads assign L-901 --rep zhou.peng"),
           std::string(" leads convert L-901 --deal-id D-MP-2"),
       }) {
    auto [exit_code, out] = RunCommand(leads + command + " 2>&1");
    ASSERT_EQ(exit_code, 0) << command << "\n" << out;
  }
  EXPECT_THAT(PollUntil(channels + " --json channels claims --lead L-901", "D-MP-2"),
              HasSubstr("partner-huadong-it"));
  const std::string history = PollUntil(read + " audit history D-MP-2", "ClaimedLeadConverted");
  EXPECT_THAT(history, HasSubstr("ClaimRegistered"));
  EXPECT_THAT(history, HasSubstr("ClaimedLeadConverted"));
}

// The orders process serves its demo, placed on its replicas of the org, the channels and the
// leads' deals, which it follows over Kafka; a deal won in the leads process becomes an order in
// the orders process (its deals replica catches up), and the deal's audit history on the read side
// runs from the lead to the order's payment.
TEST_F(MultiProcessTest, ADealWonInLeadsIsOrderedAndPaidInOrdersAndAudited) {
  const std::string leads = Salesctl("LEADS_GRPC");
  const std::string orders = Salesctl("ORDERS_GRPC");
  const std::string read = Salesctl("READ_GRPC");
  EXPECT_THAT(PollUntil(orders + " orders list", "O-DEMO-006"), HasSubstr("D-2026-001"));
  EXPECT_THAT(RunCommand(orders + " receivables aging --by customer 2>&1").second,
              HasSubstr("C-FANGCHENG"));

  for (const std::string& command : {
           std::string(" leads capture --lead-id L-902 --source web --company \"订单测试\" "
                       "--contact 孙八 --email sun.ba@orders.example --region east "
                       "--product-line crm --segment smb --size small --value 50000 "
                       "--need-match 60 --intent 60"),
           std::string(" leads assign L-902 --rep zhou.peng"),
           std::string(" leads convert L-902 --deal-id D-MP-3"),
           std::string(" leads win L-902 --reason signed"),
       }) {
    auto [exit_code, out] = RunCommand(leads + command + " 2>&1");
    ASSERT_EQ(exit_code, 0) << command << "\n" << out;
  }
  EXPECT_THAT(PollUntil(orders + " orders place --id O-MP-3 --customer C-YUNFAN --deal D-MP-3 "
                                 "--channel web-official --rep zhou.peng --lines CRM-STD:2",
                        "placed"),
              HasSubstr("order O-MP-3 is placed"));
  for (const std::string& command : {
           std::string(" orders confirm O-MP-3"),
           std::string(" orders ship O-MP-3 --carrier SF --tracking SF-MP-3"),
           std::string(" orders deliver O-MP-3"),
           std::string(" orders invoice O-MP-3"),
           std::string(" orders pay O-MP-3 --amount 2400"),
       }) {
    auto [exit_code, out] = RunCommand(orders + command + " 2>&1");
    ASSERT_EQ(exit_code, 0) << command << "\n" << out;
  }
  EXPECT_THAT(RunCommand(orders + " orders show O-MP-3 2>&1").second, HasSubstr("paid"));
  const std::string history = PollUntil(read + " audit history D-MP-3", "PaymentReceived");
  EXPECT_THAT(history, HasSubstr("DealWon"));
  EXPECT_THAT(history, HasSubstr("OrderPlaced"));
  EXPECT_THAT(history, HasSubstr("PaymentReceived"));

  // The incentives process's ledger, fed by the orders topic, credits the confirmation to the
  // rep (the step plan, booked basis), and the deal's history shows the commission.
  const std::string incentives = Salesctl("INCENTIVES_GRPC");
  EXPECT_THAT(PollUntil(incentives + " --json commissions ledger zhou.peng", "O-MP-3"),
              HasSubstr("\"deal_id\": \"D-MP-3\""));
  EXPECT_THAT(PollUntil(read + " audit history D-MP-3", "LedgerLinesRecorded"),
              HasSubstr("LedgerLinesRecorded"));
}

}  // namespace
}  // namespace sales
