#pragma once
// A one-line progress bar for training loops: step, loss, accuracy, samples/s and time left, redrawn in place on a
// terminal and printed as plain lines (every `plain_every` steps) when the output is a file or a pipe.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace example {

class Progress {
 public:
  Progress(int steps, int batch, int plain_every = 50)
      : steps_(steps), batch_(batch), plain_every_(plain_every), tty_(isatty(fileno(stdout)) != 0), start_(Clock::now()) {}

  void update(int step, double loss, double accuracy) {
    const double elapsed = seconds();
    const double rate = step * static_cast<double>(batch_) / elapsed;
    const double left = elapsed / step * (steps_ - step);
    const int width = 30, filled = width * step / steps_;
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.');
    if (tty_) {
      std::printf("\r[%s] step %4d/%d  loss %.4f  acc %5.1f%%  %7.0f samples/s  %s left ", bar.c_str(), step, steps_, loss, 100 * accuracy, rate,
                  clock_text(left).c_str());
      if (step == steps_) std::printf("\n");
      std::fflush(stdout);
    } else if (step % plain_every_ == 0 || step == steps_ || step == 1) {
      std::printf("step %4d/%d  loss %.4f  acc %5.1f%%  %7.0f samples/s  %s left\n", step, steps_, loss, 100 * accuracy, rate, clock_text(left).c_str());
      std::fflush(stdout);
    }
  }
  // Seconds of training: time since the start less what exclude() was told (evaluations between steps).
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count() - excluded_; }
  void exclude(double s) { excluded_ += s; }
  // A line of its own between updates (on a terminal, below the bar).
  void note(const std::string& line) const {
    std::printf(tty_ ? "\n%s\n" : "%s\n", line.c_str());
    std::fflush(stdout);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static std::string clock_text(double s) {
    char out[32];
    const int total = static_cast<int>(s + 0.5);
    std::snprintf(out, sizeof out, "%d:%02d", total / 60, total % 60);
    return out;
  }
  int steps_, batch_, plain_every_;
  bool tty_;
  Clock::time_point start_;
  double excluded_ = 0;
};

}  // namespace example
