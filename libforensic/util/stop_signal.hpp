// SIGTERM and SIGINT as something to wait on: a descriptor that becomes
// readable when either arrives, so a long-running loop (forensic watch) can
// poll it beside its input and stop cleanly, flushing what it holds.
#pragma once

namespace forensic {

class StopSignal {
public:
    StopSignal();  // installs the handlers; one instance per process
    ~StopSignal(); // restores the default handlers
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    int fd() const;          // readable once a signal came
    bool requested() const;  // whether one came
    int signal() const;      // which (0: none)
};

} // namespace forensic
