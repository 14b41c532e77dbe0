#include "services/leads/domain/normalize.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/validation/contact_normalization.h"

namespace sales::leads {

using validation::NormalizeCompany;
using validation::NormalizeEmail;
using validation::NormalizePhone;

std::vector<std::string> DedupeKeys(const v1::LeadDetails& details) {
  std::vector<std::string> keys;
  if (auto email = NormalizeEmail(details.contact().email()); email.ok()) {
    keys.push_back(absl::StrCat("email:", *email));
  }
  if (auto phone = NormalizePhone(details.contact().phone()); phone.ok()) {
    keys.push_back(absl::StrCat("phone:", *phone));
  }
  if (auto company = NormalizeCompany(details.company().name()); company.ok()) {
    keys.push_back(absl::StrCat("company:", *company));
  }
  return keys;
}

}  // namespace sales::leads
