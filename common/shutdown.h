// Process signal handling for main.cc: block SIGTERM/SIGINT in every thread,
// then wait for one on the main thread. Call BlockShutdownSignals() before
// any thread is started.
#ifndef TELEGATE_COMMON_SHUTDOWN_H_
#define TELEGATE_COMMON_SHUTDOWN_H_

namespace telegate {

void BlockShutdownSignals();

// Blocks until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForShutdownSignal();

}  // namespace telegate

#endif  // TELEGATE_COMMON_SHUTDOWN_H_
