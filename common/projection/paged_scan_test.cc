// ScanPage over a real projection store: pages of the asked size that together hold every
// matching row once, the scan bound, tokens of another query refused, page sizes validated.
#include "common/projection/paged_scan.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::projection {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PagedScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ProjectionStore::Open(dir_.path() + "/p");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    StoreBatch batch = store_->NewBatch();
    for (int i = 1; i <= 7; ++i) batch.txn().Put(absl::StrCat("r/", i), absl::StrCat(i));
    batch.txn().Put("s/1", "other prefix");
    ASSERT_TRUE(store_->Commit(batch).ok());
  }

  // Every page of the rows under "r/" whose value is odd, with `limits`.
  std::vector<std::vector<std::string>> OddPages(PageLimits limits) {
    std::vector<std::vector<std::string>> pages;
    std::string token;
    do {
      std::vector<std::string>& page = pages.emplace_back();
      auto next = ScanPage(*store_, "r/", "odd", token, limits,
                           [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                             if ((value.back() - '0') % 2 == 0) return false;
                             page.emplace_back(value);
                             return true;
                           });
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok() || pages.size() > 10) break;
      token = *next;
    } while (!token.empty());
    return pages;
  }

  testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
};

TEST_F(PagedScanTest, PagesHoldEveryMatchingRowOnceInKeyOrder) {
  EXPECT_THAT(OddPages({.page_size = 2}),
              ElementsAre(ElementsAre("1", "3"), ElementsAre("5", "7")));
  EXPECT_THAT(OddPages({.page_size = 0}), ElementsAre(ElementsAre("1", "3", "5", "7")));
}

TEST_F(PagedScanTest, APageExaminesAtMostMaxScannedRows) {
  // Three rows examined per page: 1 2 3 | 4 5 6 | 7.
  EXPECT_THAT(OddPages({.page_size = 10, .max_scanned = 3}),
              ElementsAre(ElementsAre("1", "3"), ElementsAre("5"), ElementsAre("7")));
}

TEST_F(PagedScanTest, RefusesATokenOfAnotherQueryATamperedOneAndABadPageSize) {
  auto offer = [](absl::string_view, absl::string_view) -> absl::StatusOr<bool> { return true; };
  auto first = ScanPage(*store_, "r/", "q1", "", {.page_size = 1}, offer);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->empty());
  EXPECT_TRUE(ScanPage(*store_, "r/", "q1", *first, {.page_size = 1}, offer).ok());
  for (const auto& [prefix, query] : {std::pair{"r/", "q2"}, {"s/", "q1"}}) {
    auto mixed = ScanPage(*store_, prefix, query, *first, {.page_size = 1}, offer);
    EXPECT_EQ(mixed.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_THAT(mixed.status().message(), HasSubstr("page_token"));
  }
  // A token naming another key (base64 of "r/7") with the first token's seal.
  const std::string forged = absl::StrCat("ci83", first->substr(first->rfind('.')));
  EXPECT_EQ(ScanPage(*store_, "r/", "q1", forged, {}, offer).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ScanPage(*store_, "r/", "q1", "%%%", {}, offer).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto too_big = ScanPage(*store_, "r/", "q1", "", {.page_size = 501}, offer);
  EXPECT_THAT(too_big.status().message(), HasSubstr("page_size"));
  EXPECT_EQ(ScanPage(*store_, "r/", "q1", "", {.page_size = -1}, offer).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageQueryOfTest, IgnoresThePagingFieldsOnly) {
  sales::common::v1::EventEnvelope a;  // any message; paging fields are absent here
  a.set_stream_id("s-1");
  sales::common::v1::EventEnvelope b = a;
  EXPECT_EQ(PageQueryOf(a), PageQueryOf(b));
  b.set_stream_id("s-2");
  EXPECT_NE(PageQueryOf(a), PageQueryOf(b));
}

TEST_F(PagedScanTest, AnOffersErrorEndsTheScan) {
  auto failed = ScanPage(*store_, "r/", "q", "", {},
                         [](absl::string_view, absl::string_view) -> absl::StatusOr<bool> {
                           return absl::DataLossError("bad row");
                         });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sales::projection
