// The de-duplication keys of a lead (去除重复记录), built from its normalised contact data
// (common/validation/contact_normalization.h).
//
// Two captures are the same lead when any dedupe key is equal. The app claims a capture's keys
// atomically with its LeadCaptured event; a key already claimed turns the capture into a
// DuplicateLeadMerged event on the claiming lead.
//
//   for (const std::string& key : DedupeKeys(details)) { ... "email:li.wei@example.com" ... }
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_
#define SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_

#include <string>
#include <vector>

#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

// "email:<e-mail>", "phone:<digits>", "company:<name>" for each present and valid value, in
// that order. Invalid values yield no key (validation refuses them before this is used).
std::vector<std::string> DedupeKeys(const v1::LeadDetails& details);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_
