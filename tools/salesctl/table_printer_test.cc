#include "tools/salesctl/table_printer.h"

#include "gtest/gtest.h"

namespace sales::salesctl {
namespace {

TEST(DisplayWidthTest, CountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("华为"), 4u);
  EXPECT_EQ(DisplayWidth("é"), 1u);
  EXPECT_EQ(DisplayWidth("Ａ"), 2u);        // full-width A
  EXPECT_EQ(DisplayWidth("\xE5\x8D"), 2u);  // truncated sequence: a column per byte
}

TEST(TablePrinterTest, AlignsColumnsAndTrimsTrailingBlanks) {
  TablePrinter table({"LEAD", "COMPANY", "AMOUNT"});
  table.AlignRight(2);
  table.AddRow({"L-1", "华为", "1,234.56 CNY"});
  table.AddRow({"L-22", "Acme", "5.00 CNY"});
  EXPECT_EQ(table.Render(),
            "LEAD  COMPANY        AMOUNT\n"
            "L-1   华为     1,234.56 CNY\n"
            "L-22  Acme         5.00 CNY\n");
}

TEST(TablePrinterTest, PadsShortRowsAndTruncatesLongOnes) {
  TablePrinter table({"A", "B"});
  EXPECT_TRUE(table.empty());
  table.AddRow({"x"});
  table.AddRow({"1", "2", "3"});
  EXPECT_FALSE(table.empty());
  EXPECT_EQ(table.Render(), "A  B\nx\n1  2\n");
}

}  // namespace
}  // namespace sales::salesctl
