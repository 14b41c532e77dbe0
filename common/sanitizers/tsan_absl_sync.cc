// ThreadSanitizer support for Debian's (uninstrumented) Abseil and librdkafka, linked into every
// executable of a SALES_SANITIZE=thread build and never into anything else.
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
// anything that takes it (Lock, LockWhen, the return of Await / Wait, a notification observed),
// and both around a Condition evaluated while the library holds the mutex internally.
// Readers are treated like writers, which can only hide a race between two readers, never
// invent one. Abseil's behaviour is unchanged.
#ifndef __SANITIZE_THREAD__
#error "tsan_absl_sync.cc belongs to SALES_SANITIZE=thread builds only"
#endif

#include <dlfcn.h>
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <threads.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
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

// The Mutex whose operation this thread is inside: Abseil evaluates Conditions while it holds a
// mutex internally (in Await and LockWhen, and in Unlock for the waiters it may wake), where none
// of the wrappers below runs, so Condition::Eval itself acquires and releases that mutex.
thread_local const void* current_mutex = nullptr;

class InsideMutex {
 public:
  explicit InsideMutex(const void* mu) : previous_(current_mutex) { current_mutex = mu; }
  ~InsideMutex() { current_mutex = previous_; }
  InsideMutex(const InsideMutex&) = delete;
  InsideMutex& operator=(const InsideMutex&) = delete;

 private:
  const void* const previous_;
};

}  // namespace

// Each definition: `real` is the library's, looked up once.
#define SALES_ORIGINAL(type, mangled) static const auto real = Original<type>(mangled)

// Calls the library's `real` with `args` while this thread is inside `mu`'s operation.
template <typename Fn, typename... Args>
auto Inside(const void* mu, Fn real, Args... args) {
  InsideMutex inside(mu);
  return real(args...);
}

namespace absl {

void Mutex::Lock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  Inside(this, real, this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  Inside(this, real, this);
  Acquire(this);
}

bool Mutex::TryLock() {
  SALES_ORIGINAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  const bool locked = Inside(this, real, this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  SALES_ORIGINAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  const bool locked = Inside(this, real, this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::Unlock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  Release(this);
  Inside(this, real, this);  // evaluates the waiters' conditions
}

void Mutex::ReaderUnlock() {
  SALES_ORIGINAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  Release(this);
  Inside(this, real, this);
}

void Mutex::LockWhen(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition*),
                 "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  Inside(this, real, this, &cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition*),
                 "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Inside(this, real, this, &cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition*, Duration),
                 "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = Inside(this, real, this, &cond, timeout);
  Acquire(this);  // held either way
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition*, Time),
                 "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = Inside(this, real, this, &cond, deadline);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(
      bool (*)(Mutex*, const Condition*, Duration),
      "_ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = Inside(this, real, this, &cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition*, Time),
                 "_ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = Inside(this, real, this, &cond, deadline);
  Acquire(this);
  return met;
}

void Mutex::Await(const Condition& cond) {
  SALES_ORIGINAL(void (*)(Mutex*, const Condition*),
                 "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  Release(this);
  Inside(this, real, this, &cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition*, Duration),
                 "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Release(this);
  const bool met = Inside(this, real, this, &cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  SALES_ORIGINAL(bool (*)(Mutex*, const Condition*, Time),
                 "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Release(this);
  const bool met = Inside(this, real, this, &cond, deadline);
  Acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  SALES_ORIGINAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  Inside(mu, real, this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  SALES_ORIGINAL(bool (*)(CondVar*, Mutex*, Duration),
                 "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Release(mu);
  const bool timed_out = Inside(mu, real, this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  SALES_ORIGINAL(bool (*)(CondVar*, Mutex*, Time),
                 "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Release(mu);
  const bool timed_out = Inside(mu, real, this, mu, deadline);
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

// Inside a mutex operation (see InsideMutex), a condition is read as if under that mutex.
bool Condition::Eval() const {
  SALES_ORIGINAL(bool (*)(const Condition*), "_ZNK4absl7debian39Condition4EvalEv");
  const void* const mu = current_mutex;
  if (mu != nullptr) Acquire(mu);
  const bool holds = real(this);
  if (mu != nullptr) Release(mu);
  return holds;
}

}  // namespace absl

// librdkafka starts, joins and detaches its threads with C11 thrd_*, which glibc implements
// without going through pthread_create/join/detach, so TSan's interceptors never see them: such a
// thread crashes in TSan's allocator on its first malloc, and a joined one's id, reused, is a
// "dup thread". Routed through the pthread calls here, TSan knows them.
namespace {

struct C11Start {
  thrd_start_t function;
  void* argument;
};

void* RunC11Thread(void* raw) {
  const C11Start start = *static_cast<C11Start*>(raw);
  delete static_cast<C11Start*>(raw);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.function(start.argument)));
}

}  // namespace

extern "C" int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = new C11Start{function, argument};
  const int error = pthread_create(thread, nullptr, &RunC11Thread, start);
  if (error == 0) return thrd_success;
  delete start;
  return error == EAGAIN ? thrd_nomem : thrd_error;
}

extern "C" int thrd_join(thrd_t thread, int* result) {
  void* returned = nullptr;
  if (pthread_join(thread, &returned) != 0) return thrd_error;
  if (result != nullptr) *result = static_cast<int>(reinterpret_cast<intptr_t>(returned));
  return thrd_success;
}

extern "C" int thrd_detach(thrd_t thread) {
  return pthread_detach(thread) == 0 ? thrd_success : thrd_error;
}
