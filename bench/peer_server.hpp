#pragma once
// A Python peer server on a pair of pipes (bench/peer_cpu.py, bench/peer_conv.py): one request line in, one number
// out, so a benchmark can interleave peer and ctgrad timings on a shared machine. The peer runs as
// `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE <python> <script> <args...>`: these machines set both variables and
// OpenBLAS then picks a slow kernel. Never change them in tests or CI.
#include <cstdio>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

class PeerServer {
 public:
  PeerServer(const std::string& python, const std::string& script, std::vector<std::string> args = {}) {
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0) return;
    std::vector<std::string> words{"env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE", python, script};
    words.insert(words.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to[0], 0);
      dup2(from[1], 1);
      close(to[1]);
      close(from[0]);
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      execvp("env", argv.data());
      _exit(127);
    }
    close(to[0]);
    close(from[1]);
    in_ = fdopen(to[1], "w");
    out_ = fdopen(from[0], "r");
  }
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;
  ~PeerServer() {
    if (in_) std::fclose(in_);
    if (out_) std::fclose(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  // The peer's answer to `request` (seconds), or a negative value when the peer or its library is missing.
  double ask(const std::string& request) {
    if (!in_ || !out_) return -1;
    std::fprintf(in_, "%s\n", request.c_str());
    std::fflush(in_);
    double s = -1;
    if (std::fscanf(out_, "%lf", &s) != 1) s = -1;
    return s;
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};
