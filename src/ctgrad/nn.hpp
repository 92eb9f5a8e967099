#pragma once
// ctgrad::nn: modules, state dicts, optimizers, safetensors save and load, datasets (the last two need the io formats).
#include "ctgrad/nn/nn.hpp"
#include "ctgrad/nn/datasets.hpp"
#include "ctgrad/nn/safe.hpp"
