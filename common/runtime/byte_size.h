// Byte sizes as people write them on a command line: "512MiB", "1GiB", "64M", "300000".
//
//   ASSIGN_OR_RETURN(size_t budget, ParseByteSize("512MiB"));  // 536870912
//   std::cout << FormatByteSize(budget);                         // "512 MiB"
//
// Units are binary (K = KiB = 1024, M = MiB, G = GiB; "B" or none: bytes), case-insensitive, an
// optional space before the unit. INVALID_ARGUMENT for anything else, for 0 and on overflow.
#ifndef SALES_COMMON_RUNTIME_BYTE_SIZE_H_
#define SALES_COMMON_RUNTIME_BYTE_SIZE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sales::runtime {

absl::StatusOr<size_t> ParseByteSize(absl::string_view text);

// The largest unit that divides `bytes` into a whole number ("512 MiB", "1536 KiB", "7 B").
std::string FormatByteSize(size_t bytes);

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_BYTE_SIZE_H_
