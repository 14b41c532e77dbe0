// OpenLoadOverlay: the reps' open-lead loads as of the store's head, for assignment by load,
// without waiting for the read model to catch up.
//
// The read model counts each rep's open leads (its "co/" rows) up to the feed position it has
// applied. The app records here every change of a lead's open owner (OpenOwner in
// domain/lead.h) as its append lands, keyed by the position of the event that made it; AddTo adds
// to a read model's counts the changes it has not applied yet. So an assignment sees every
// command acknowledged before it started, as it did when it waited for the read model
// (AwaitFeedHeads) — which forced the read model to commit a batch per such assignment, at a cost
// per event 2.4–3.4× its catch-up cost (tools/loadgen/README.md, issue 14 §2).
//
//   overlay.Record(position_of_the_changing_event, owner_before, owner_after);
//   do {
//     ASSIGN_OR_RETURN(auto counted, model.OpenLoads(reps, topic));
//   } while (!overlay.AddTo(counted.next_feed_position, counted.loads));
//   overlay.ForgetBelow(model_next_feed_position);  // keeps it small (the app does, as it records)
//
// ForgetBelow drops what the read model has applied; a caller whose counts are older than what
// was dropped gets false from AddTo and reads the counts again. Only the leads app appends to its
// store, so every change passes through Record; a change it missed would be wrong only until the
// read model applies its event. Thread-safe.
#ifndef SALES_SERVICES_LEADS_APP_OPEN_LOAD_OVERLAY_H_
#define SALES_SERVICES_LEADS_APP_OPEN_LOAD_OVERLAY_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/leads/domain/assignment.h"

namespace sales::leads {

class OpenLoadOverlay {
 public:
  // Records that the event at global `position` moved a lead's open owner from `owner_before`
  // to `owner_after` ("" for none). Nothing is recorded when they are equal.
  void Record(uint64_t position, const std::string& owner_before, const std::string& owner_after);

  // Adds to `loads` (a read model's counts of the events before `next_feed_position`) the changes
  // recorded at or after that position, for the reps `loads` holds. False (and `loads` unchanged)
  // when changes the counts lack were already forgotten: read the counts again.
  [[nodiscard]] bool AddTo(uint64_t next_feed_position, RepLoads& loads);

  // Forgets the changes before `next_feed_position`, which the read model has applied.
  void ForgetBelow(uint64_t next_feed_position);

  // Changes recorded and not yet forgotten.
  size_t pending() const;

 private:
  struct Change {
    std::string rep_id;
    int64_t delta;
  };
  mutable absl::Mutex mu_;
  // By position; appends land in position order only per stream, so records come in any order.
  std::multimap<uint64_t, Change> changes_ ABSL_GUARDED_BY(mu_);
  uint64_t forgotten_below_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_APP_OPEN_LOAD_OVERLAY_H_
