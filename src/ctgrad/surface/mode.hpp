#pragma once
// Training mode lives with the autograd modes (NoGrad, Train, training()).
#include "ctgrad/runtime/mode.hpp"
