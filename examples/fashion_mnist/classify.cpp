// Loads the flagship's checkpoint and classifies test images: the first few with their class names, then the
// accuracy over the whole test set.
#include <cstdio>

#include "data.hpp"

using namespace example;

int main(int argc, char** argv) {
  const std::string checkpoint = argc > 1 ? argv[1] : "fashion_mnist.safetensors";
  constexpr const char* kClasses[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  Net net;
  nn::state::load_state_dict(net, nn::state::safe_load(checkpoint));
  auto [X_train, Y_train, X_test, Y_test] = nn::datasets::fashion_mnist();
  const Split test = host_split(X_test, Y_test);
  NoGrad no_grad;
  auto first = batch_of<8>(test, {0, 1, 2, 3, 4, 5, 6, 7});
  auto predicted = net(first.x).argmax<1>().tolist();
  for (std::size_t i = 0; i < 8; ++i)
    std::printf("test image %zu: predicted %-12s true %-12s %s\n", i, kClasses[predicted[i]], kClasses[first.labels[i]],
                predicted[i] == first.labels[i] ? "" : "(wrong)");
  std::printf("test accuracy of %s: %.2f%%\n", checkpoint.c_str(), 100 * accuracy<500>(net, test));
  return 0;
}
