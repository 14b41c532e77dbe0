// ListAllFlagsInHelp: makes --help list every flag of the binary (Abseil's default lists only the
// flags defined in a file named like the program, so `salesd --help` printed "No flags matched").
// Call before absl::ParseCommandLine; RunProcess does.
#ifndef SALES_COMMON_RUNTIME_FLAGS_USAGE_H_
#define SALES_COMMON_RUNTIME_FLAGS_USAGE_H_

namespace sales::runtime {

void ListAllFlagsInHelp();

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_FLAGS_USAGE_H_
