// libctgrad: the dynamic core (graph scheduling, lowering, the kernel optimizer, the C renderer and device, the
// kernel cache, autograd) compiled once; programs link it and include only the declarations (runtime/library.hpp).
#define CTGRAD_BUILDING_LIBRARY
#include "ctgrad/device_impl.hpp"
#include "ctgrad/runtime/library_impl.hpp"
