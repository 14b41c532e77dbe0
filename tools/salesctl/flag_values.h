// Typed values of salesctl flags, shared by every command group: an absent flag gives the
// field's unset value (the server then applies its default or refuses a required field), a
// malformed one INVALID_ARGUMENT naming "--<flag>".
//
//   ASSIGN_OR_RETURN(auto status, EnumFlag<v1::OrderStatus>(args, "status",
//                                                          *v1::OrderStatus_descriptor()));
//   ASSIGN_OR_RETURN(common::v1::Money amount, MoneyFlag(args, "amount"));  // with --currency
#ifndef SALES_TOOLS_SALESCTL_FLAG_VALUES_H_
#define SALES_TOOLS_SALESCTL_FLAG_VALUES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "sales/common/v1/date.pb.h"
#include "sales/common/v1/money.pb.h"
#include "tools/salesctl/command_args.h"
#include "tools/salesctl/format.h"

namespace sales::salesctl {

// The currency of money flags without --currency.
inline constexpr char kDefaultCurrency[] = "CNY";

// An enum flag by its short name (ParseEnum); the zero (*_UNSPECIFIED) value when absent.
template <typename Enum = int>
absl::StatusOr<Enum> EnumFlag(const CommandArgs& args, absl::string_view name,
                              const google::protobuf::EnumDescriptor& descriptor) {
  if (args.Get(name).empty()) return static_cast<Enum>(0);
  ASSIGN_OR_RETURN(int value, ParseEnum(descriptor, args.Get(name), absl::StrCat("--", name)));
  return static_cast<Enum>(value);
}

// An int32 flag; 0 when absent.
absl::StatusOr<int32_t> Int32Flag(const CommandArgs& args, absl::string_view name);
// An amount in --currency (default CNY); an unset Money when absent.
absl::StatusOr<sales::common::v1::Money> MoneyFlag(const CommandArgs& args, absl::string_view name);
// A "2026-11-23" date; an unset Date when absent.
absl::StatusOr<sales::common::v1::Date> DateFlag(const CommandArgs& args, absl::string_view name);

}  // namespace sales::salesctl

#endif  // SALES_TOOLS_SALESCTL_FLAG_VALUES_H_
