#pragma once
// The constexpr view algebra: movement ops (reshape, permute, expand, pad, shrink, flip) folded into a short stack
// of strided, masked views at compile time. See notes/VIEW-ALGEBRA-NOTES.md for the semantics and their sources.
#include "ctgrad/view/intmath.hpp"
#include "ctgrad/view/locate.hpp"
#include "ctgrad/view/merge.hpp"
#include "ctgrad/view/movement.hpp"
#include "ctgrad/view/reshape.hpp"
#include "ctgrad/view/stack.hpp"
#include "ctgrad/view/view.hpp"
