#include "services/leads/domain/normalize.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/domain/test_fixtures.h"

namespace sales::leads {
namespace {

using ::testing::ElementsAre;

TEST(DedupeKeysTest, AllKeysInOrder) {
  EXPECT_THAT(DedupeKeys(testing::ValidCapture().details()),
              ElementsAre("email:li.wei@example.com", "phone:8613800138000", "company:acme"));
}

TEST(DedupeKeysTest, SpellingVariantsShareKeys) {
  v1::LeadDetails a = testing::ValidCapture().details();
  v1::LeadDetails b = a;
  b.mutable_contact()->set_email(" LI.WEI@EXAMPLE.COM ");
  b.mutable_contact()->set_phone("0086-138-0013-8000");
  b.mutable_company()->set_name("ACME co ltd");
  EXPECT_EQ(DedupeKeys(a), DedupeKeys(b));
}

TEST(DedupeKeysTest, MissingOrInvalidValuesGiveNoKey) {
  v1::LeadDetails d = testing::ValidCapture().details();
  d.mutable_contact()->clear_email();
  d.mutable_contact()->set_phone("12");
  EXPECT_THAT(DedupeKeys(d), ElementsAre("company:acme"));
}

}  // namespace
}  // namespace sales::leads
