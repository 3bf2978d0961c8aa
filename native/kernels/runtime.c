// Module-level entry points: version, memory-growth hook, and small helpers the loader needs.
#include "vw.h"
#include <stdlib.h>

// Standalone wasm with a growable heap calls this after memory.grow; we define it so the
// module has zero imports. The JS side re-reads memory.buffer after every call anyway.
void emscripten_notify_memory_growth(size_t memory_index) { (void)memory_index; }

VW_EXPORT int vw_abi_version(void) { return 1; }

