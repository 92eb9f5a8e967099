#pragma once
// ctgrad::nn: modules (Hana structs with PyTorch's state names), state dicts, optimizers. safe_save / safe_load are
// in ctgrad/nn/safe.hpp (libctgrad has them when it is built with the io formats: nlohmann-json and zlib).
#include "ctgrad/nn/conv.hpp"
#include "ctgrad/nn/embedding.hpp"
#include "ctgrad/nn/linear.hpp"
#include "ctgrad/nn/lstm.hpp"
#include "ctgrad/nn/norm.hpp"
#include "ctgrad/nn/optim/adam.hpp"
#include "ctgrad/nn/optim/muon.hpp"
#include "ctgrad/nn/optim/sgd.hpp"
#include "ctgrad/nn/state.hpp"
