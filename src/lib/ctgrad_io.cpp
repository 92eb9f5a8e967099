// libctgrad's file formats, compiled once: the safetensors reader and writer (nlohmann-json), the idx reader (zlib)
// and the Fashion-MNIST loader. Built into the library when Meson finds both dependencies (ctgrad_io_dep).
#define CTGRAD_BUILDING_LIBRARY
#include "ctgrad/datasets/fashion_mnist_impl.hpp"
#include "ctgrad/io/idx_impl.hpp"
#include "ctgrad/io/safetensors_impl.hpp"
