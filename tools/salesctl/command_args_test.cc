#include "tools/salesctl/command_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::salesctl {
namespace {

using ::testing::HasSubstr;

const std::vector<FlagSpec> kSpecs = {
    {.name = "lead", .help = "lead id", .required = true, .positional = true},
    {.name = "reason", .help = "why"},
    {.name = "page-size", .help = "n"},
    {.name = "overdue", .help = "only overdue", .boolean = true}};

TEST(CommandArgsTest, ParsesEveryFlagForm) {
  auto args =
      CommandArgs::Parse(kSpecs, {"L-1", "--reason", "budget cut", "--page-size=20", "--overdue"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->Get("lead"), "L-1");
  EXPECT_EQ(args->Get("reason"), "budget cut");
  EXPECT_EQ(*args->GetInt("page-size", 0), 20);
  EXPECT_TRUE(args->Has("overdue"));
  EXPECT_FALSE(CommandArgs::Parse(kSpecs, {"--lead=L-2"})->Has("overdue"));
  EXPECT_EQ(*CommandArgs::Parse(kSpecs, {"--lead=L-2"})->GetInt("page-size", 50), 50);
  EXPECT_EQ(CommandArgs::Parse(kSpecs, {"--lead=L-2"})->Get("reason"), "");
}

TEST(CommandArgsTest, UsageErrorsNameTheFlag) {
  const struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{}, "--lead: required"},
      {{"L-1", "--colour=red"}, "--colour: unknown flag"},
      {{"L-1", "--reason"}, "--reason: needs a value"},
      {{"L-1", "--overdue=yes"}, "--overdue: takes no value"},
      {{"L-1", "L-2"}, "unexpected argument \"L-2\""},
  };
  for (const auto& c : cases) {
    auto args = CommandArgs::Parse(kSpecs, c.args);
    EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(args.status().message(), HasSubstr(c.message));
  }
  auto args = CommandArgs::Parse(kSpecs, {"L-1", "--page-size=ten"});
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->GetInt("page-size", 0).status().message(), HasSubstr("--page-size"));
}

TEST(CommandArgsTest, HelpListsFlags) {
  const std::string help = FlagsHelp(kSpecs);
  EXPECT_THAT(help, HasSubstr("--lead       lead id (required) (or as the argument)\n"));
  EXPECT_THAT(help, HasSubstr("--overdue    only overdue\n"));
}

}  // namespace
}  // namespace sales::salesctl
