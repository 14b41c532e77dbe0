// TerminationSignals: clean shutdown of a server process on SIGINT or SIGTERM.
//
//   int main(int argc, char** argv) {
//     sales::runtime::TerminationSignals signals;   // first: before any thread starts
//     ... start the servers ...
//     sales::log::Info("process.signal", {{"signal", signals.Wait()}});
//     ... shut down ...
//   }
//
// Construction blocks SIGINT and SIGTERM in the calling thread, and so in every thread started
// afterwards (threads inherit the mask); Wait() then takes them synchronously with sigwait, so
// no handler runs on an arbitrary thread and shutdown happens in main, in order.
#ifndef SALES_COMMON_RUNTIME_TERMINATION_SIGNALS_H_
#define SALES_COMMON_RUNTIME_TERMINATION_SIGNALS_H_

#include <csignal>

#include "absl/strings/string_view.h"

namespace sales::runtime {

class TerminationSignals {
 public:
  TerminationSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }

  // Blocks until SIGINT or SIGTERM arrives; returns its name.
  absl::string_view Wait() {
    int signal = 0;
    sigwait(&signals_, &signal);
    return signal == SIGINT ? "SIGINT" : "SIGTERM";
  }

 private:
  sigset_t signals_;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_TERMINATION_SIGNALS_H_
