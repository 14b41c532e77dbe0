#include "tools/salesctl/flag_values.h"

#include "common/status/errors.h"

namespace sales::salesctl {

absl::StatusOr<int32_t> Int32Flag(const CommandArgs& args, absl::string_view name) {
  ASSIGN_OR_RETURN(int64_t value, args.GetInt(name, 0));
  if (value < INT32_MIN || value > INT32_MAX) {
    return InvalidField(absl::StrCat("--", name), "out of range");
  }
  return static_cast<int32_t>(value);
}

absl::StatusOr<sales::common::v1::Money> MoneyFlag(const CommandArgs& args,
                                                   absl::string_view name) {
  if (args.Get(name).empty()) return sales::common::v1::Money();
  const std::string currency = args.Has("currency") ? args.Get("currency") : kDefaultCurrency;
  return ParseMoney(args.Get(name), currency, absl::StrCat("--", name));
}

absl::StatusOr<sales::common::v1::Date> DateFlag(const CommandArgs& args, absl::string_view name) {
  if (args.Get(name).empty()) return sales::common::v1::Date();
  return ParseDate(args.Get(name), absl::StrCat("--", name));
}

}  // namespace sales::salesctl
