// OrgView: the sales organisation as a context that consumes org sees it — its replica's
// snapshot and the org version it was folded to. OrgReplica (org_replica.h) is the shipped one;
// StaticOrgView serves a fixed organisation (tests, tools).
//
//   OrgView::Snapshot org = view->Current();
//   if (org::FindRep(*org.organisation, rep_id) == nullptr) { … view->CatchUp(1s) and look again …
//   }
//
// Thread-safety: implementations allow concurrent calls.
#ifndef SALES_SERVICES_ORG_REPLICA_ORG_VIEW_H_
#define SALES_SERVICES_ORG_REPLICA_ORG_VIEW_H_

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sales/org/v1/model.pb.h"

namespace sales::org {

class OrgView {
 public:
  struct Snapshot {
    std::shared_ptr<const v1::SalesOrganisation> organisation =
        std::make_shared<const v1::SalesOrganisation>();
    uint64_t version = 0;  // the org stream's version it was folded to (0: nothing yet)
  };

  virtual ~OrgView() = default;
  // The latest snapshot; never blocks on I/O.
  virtual Snapshot Current() const = 0;
  // Waits until the view holds everything the org context had committed when called, or the
  // timeout passes (DEADLINE_EXCEEDED); UNAVAILABLE when the org context cannot be asked.
  virtual absl::Status CatchUp(absl::Duration timeout) = 0;
};

// Runs `decide` (a command decided on the view's organisation, returning a Status or StatusOr).
// When it answers NOT_FOUND or FAILED_PRECONDITION — a region, team, rep or rule the view may not
// have yet, e.g. a command right after the org command that added it — catches the view up and,
// if the view moved since `decide` began, runs it once more. A view at the org store's head costs
// one head read.
template <typename Decide>
auto DecideWithOrgCatchUp(OrgView& org, absl::Duration timeout, Decide decide)
    -> decltype(decide()) {
  const uint64_t before = org.Current().version;  // what `decide` sees at the least
  auto result = decide();
  const absl::StatusCode code = result.status().code();
  if (code != absl::StatusCode::kNotFound && code != absl::StatusCode::kFailedPrecondition) {
    return result;
  }
  if (!org.CatchUp(timeout).ok()) return result;
  if (org.Current().version == before) return result;
  return decide();
}

// A fixed organisation, replaceable by the test that owns it.
class StaticOrgView final : public OrgView {
 public:
  explicit StaticOrgView(v1::SalesOrganisation organisation = {}, uint64_t version = 1) {
    Set(std::move(organisation), version);
  }
  void Set(v1::SalesOrganisation organisation, uint64_t version) {
    absl::MutexLock lock(&mu_);
    snapshot_ = {std::make_shared<const v1::SalesOrganisation>(std::move(organisation)), version};
  }
  Snapshot Current() const override {
    absl::MutexLock lock(&mu_);
    return snapshot_;
  }
  absl::Status CatchUp(absl::Duration) override { return absl::OkStatus(); }

 private:
  mutable absl::Mutex mu_;
  Snapshot snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_REPLICA_ORG_VIEW_H_
