#include "libforensic/util/freed_memory.hpp"

#include <malloc.h>

namespace forensic {

void return_freed_memory()
{
    ::malloc_trim(0);
}

} // namespace forensic
