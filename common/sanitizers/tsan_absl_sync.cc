// ThreadSanitizer support for Debian's (uninstrumented) Abseil, linked into every executable of
// a SALES_SANITIZE=thread build and never into anything else.
//
// Why: TSan learns "happens before" from the synchronisation it sees. Abseil's Mutex, CondVar and
// Notification tell it through annotations compiled into the library only when the library
// itself is built with -fsanitize=thread; Debian's libabsl_synchronization is not (it has no
// __tsan symbols), so every hand-off through an absl::Mutex would be reported as a data race.
//
// How: this file defines the out-of-line entry points of those classes in the executable, which
// takes precedence over the shared library's definitions (the executable is exported with
// -rdynamic, so calls from inside Abseil and gRPC land here too). Each one calls the library's
// own definition (dlsym RTLD_NEXT) and tells TSan what it did: a release before anything that
// gives a lock up (Unlock, the wait inside Await and CondVar::Wait, Notify), an acquire after
// anything that takes it (Lock, LockWhen, the return of Await / Wait, a notification observed).
// Readers are treated like writers, which can only hide a race between two readers, never
// invent one. Abseil's behaviour is unchanged.
#ifndef __SANITIZE_THREAD__
#error "tsan_absl_sync.cc belongs to SALES_SANITIZE=thread builds only"
#endif

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

// The shared library's definition of the symbol `mangled`.
template <typename Fn>
Fn Original(const char* mangled) {
  void* symbol = dlsym(RTLD_NEXT, mangled);
  if (symbol == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: %s not found in the Abseil library\n", mangled);
    std::abort();
  }
  return reinterpret_cast<Fn>(symbol);
}

// Notification's flag follows its Mutex (absl/synchronization/notification.h): the address both
// sides of a notification agree on. HasBeenNotified is inline (instrumented here): its acquire
// load of the flag synchronises with the release Notify announces at that address.
static_assert(sizeof(absl::Notification) == sizeof(absl::Mutex) + sizeof(std::atomic<bool>) ||
                  sizeof(absl::Notification) == 2 * sizeof(absl::Mutex),
              "absl::Notification's layout changed: revisit NotificationFlag");
const void* NotificationFlag(const absl::Notification* notification) {
  return reinterpret_cast<const char*>(notification) + sizeof(absl::Mutex);
}

void Acquire(const void* address) { __tsan_acquire(const_cast<void*>(address)); }
void Release(const void* address) { __tsan_release(const_cast<void*>(address)); }

}  // namespace

// Each definition: `real` is the library's, looked up once.
#define SALES_ORIGINAL(type, mangled) static const auto real = Original<type>(mangled)

namespace absl {

void Mutex::Lock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  real(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  real(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  SALES_ORIGINAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  const bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  SALES_ORIGINAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  const bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::Unlock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  Release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  Release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition&),
                 "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  real(this, cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition&),
                 "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  real(this, cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition&, Duration),
                 "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  Acquire(this);  // held either way
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition&, Time),
                 "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Duration),
      "_ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition&, Time),
                 "_ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void Mutex::Await(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition&),
                 "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  Release(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition&, Duration),
                 "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Release(this);
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition&, Time),
                 "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Release(this);
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  SALES_ORIGINAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  SALES_ORIGINAL(bool (*)(CondVar*, Mutex*, Duration),
                 "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Release(mu);
  const bool timed_out = real(this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  SALES_ORIGINAL(bool (*)(CondVar*, Mutex*, Time),
                 "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Release(mu);
  const bool timed_out = real(this, mu, deadline);
  Acquire(mu);
  return timed_out;
}

void Notification::Notify() {
  SALES_ORIGINAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv");
  Release(NotificationFlag(this));
  real(this);
}

void Notification::WaitForNotification() const {
  SALES_ORIGINAL(void (*)(const Notification*),
                 "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(this);
  Acquire(NotificationFlag(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  SALES_ORIGINAL(bool (*)(const Notification*, Duration),
                 "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) Acquire(NotificationFlag(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  SALES_ORIGINAL(bool (*)(const Notification*, Time),
                 "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) Acquire(NotificationFlag(this));
  return notified;
}

}  // namespace absl
