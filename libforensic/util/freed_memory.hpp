// Giving freed heap back to the system between large units of work.
#pragma once

namespace forensic {

// Returns the heap's free pages to the system (glibc's malloc_trim). After a
// bundle of half a million facts is freed, the next one's allocations land
// among the holes it left, and the process's peak grows with every bundle of
// a long import; trimmed in between, each starts from what is really in use.
void return_freed_memory();

} // namespace forensic
