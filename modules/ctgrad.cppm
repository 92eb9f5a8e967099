// The named module `ctgrad`: the headers are the one source of truth; this unit only re-exports their names.
module;
#include <ctgrad/ctgrad.hpp>

export module ctgrad;

export namespace ctgrad {
// tensors and their ops
using ctgrad::Tensor;
using ctgrad::tensor_of_t;
using ctgrad::KeepDim;
using ctgrad::keepdim;
using ctgrad::cast;
using ctgrad::operator+;
using ctgrad::operator-;
using ctgrad::operator*;
using ctgrad::operator/;
using ctgrad::operator<;
using ctgrad::operator>;
using ctgrad::operator<=;
using ctgrad::operator>=;
using ctgrad::operator==;
using ctgrad::operator!=;
using ctgrad::operator&;
using ctgrad::operator|;
using ctgrad::operator^;
// the op surface's free functions and argument types (the members come with Tensor)
using ctgrad::cat;
using ctgrad::stack;
using ctgrad::einsum;
using ctgrad::meshgrid;
using ctgrad::pow;
using ctgrad::Equation;
using ctgrad::Hw;
using ctgrad::Sizes;
using ctgrad::sizes;
using ctgrad::Indexing;
using ctgrad::Interpolation;
using ctgrad::Reduction;
using ctgrad::ScatterReduce;
using ctgrad::all_axes;
using ctgrad::Train;
using ctgrad::training;
// dtypes
using ctgrad::half;
using ctgrad::bfloat16;
using ctgrad::promote_t;
using ctgrad::to_float;
// views
using ctgrad::View;
using ctgrad::ViewStack;
using ctgrad::Dims;
using ctgrad::contiguous;
using ctgrad::permute;
using ctgrad::reshape;
using ctgrad::expand;
using ctgrad::pad;
using ctgrad::shrink;
using ctgrad::flip;
using ctgrad::stack_of;
// run time
using ctgrad::manual_seed;
using ctgrad::default_device;
using ctgrad::Error;
using ctgrad::Device;
using ctgrad::DeviceInfo;
using ctgrad::DeviceError;
using ctgrad::OutOfMemory;
using ctgrad::CompileError;
}  // namespace ctgrad

export namespace ctgrad::rt {
using ctgrad::rt::counters;
using ctgrad::rt::live_uops;
using ctgrad::rt::set_debug_level;
}  // namespace ctgrad::rt

export namespace ctgrad::viz {
using ctgrad::viz::write;
using ctgrad::viz::enable;
using ctgrad::viz::enabled;
}  // namespace ctgrad::viz
