#pragma once
// ctgrad: statically-typed lazy tensors. Shapes, dtypes and views are decided by the C++ compiler; the dynamic core
// fuses what remains into kernels and JIT-compiles them for the chosen device.
#include "ctgrad/dtype.hpp"
#include "ctgrad/view.hpp"
#include "ctgrad/shape.hpp"
#include "ctgrad/tensor.hpp"
#include "ctgrad/ops.hpp"
#include "ctgrad/runtime/debug.hpp"
#include "ctgrad/runtime/library.hpp"
#include "ctgrad/runtime/mode.hpp"
