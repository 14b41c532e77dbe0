// TablePrinter: aligned plain-text tables for command-line output, one header row and any
// number of rows. Column widths are display widths: a CJK character counts two columns, so
// Chinese company names line up with ASCII ones.
//
//   TablePrinter table({"LEAD", "COMPANY", "AMOUNT"});
//   table.AlignRight(2);
//   table.AddRow({"L-1", "华为技术有限公司", "1,234.56 CNY"});
//   std::cout << table.Render();
//   // LEAD  COMPANY                 AMOUNT
//   // L-1   华为技术有限公司  1,234.56 CNY
//
// Rows shorter than the header are padded with empty cells; longer rows are a programming
// error and are truncated to the header's width. Thread-compatible.
#ifndef SALES_TOOLS_SALESCTL_TABLE_PRINTER_H_
#define SALES_TOOLS_SALESCTL_TABLE_PRINTER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sales::salesctl {

// Columns `text` takes in a terminal: wide (CJK, full-width) code points count two.
size_t DisplayWidth(absl::string_view text);

class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> headers);

  void AlignRight(size_t column);
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // The header and the rows, columns separated by two spaces, no trailing blanks, each line
  // ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_aligned_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace sales::salesctl

#endif  // SALES_TOOLS_SALESCTL_TABLE_PRINTER_H_
