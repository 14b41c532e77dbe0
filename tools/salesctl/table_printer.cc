#include "tools/salesctl/table_printer.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace sales::salesctl {
namespace {

// East Asian Wide and Full-width ranges that occur in business text (CJK ideographs, kana,
// Hangul, full-width forms and CJK punctuation).
bool IsWide(uint32_t code_point) {
  return (code_point >= 0x1100 && code_point <= 0x115F) ||
         (code_point >= 0x2E80 && code_point <= 0xA4CF) ||
         (code_point >= 0xAC00 && code_point <= 0xD7A3) ||
         (code_point >= 0xF900 && code_point <= 0xFAFF) ||
         (code_point >= 0xFE30 && code_point <= 0xFE4F) ||
         (code_point >= 0xFF00 && code_point <= 0xFF60) ||
         (code_point >= 0xFFE0 && code_point <= 0xFFE6) ||
         (code_point >= 0x20000 && code_point <= 0x3FFFD);
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    uint32_t code_point = lead;
    if (lead >= 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else if (lead >= 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if (lead >= 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    }
    // A truncated sequence at the end counts as one column per byte left.
    if (i + length > text.size()) return width + (text.size() - i);
    for (size_t k = 1; k < length; ++k) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += IsWide(code_point) ? 2 : 1;
    i += length;
  }
  return width;
}

TablePrinter::TablePrinter(std::vector<std::string> headers)
    : headers_(std::move(headers)), right_aligned_(headers_.size(), false) {}

void TablePrinter::AlignRight(size_t column) {
  if (column < right_aligned_.size()) right_aligned_[column] = true;
}

void TablePrinter::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TablePrinter::Render() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string padding(widths[c] - DisplayWidth(cells[c]), ' ');
      if (c > 0) line += "  ";
      if (right_aligned_[c]) {
        line += padding + cells[c];
      } else {
        line += cells[c] + padding;
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  };
  render_line(headers_);
  for (const auto& row : rows_) render_line(row);
  return out;
}

}  // namespace sales::salesctl
