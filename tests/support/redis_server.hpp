// A throwaway redis-server (Debian's) for tests and benchmarks: 127.0.0.1, a free port,
// no persistence (--save '' --appendonly no), stopped by its PID when the object goes
// away, and killed by the kernel if the test process dies first (PR_SET_PDEATHSIG).
// restart() stops it and starts a fresh one on the same port (its data is gone, as after
// a real restart without persistence). Also: ChildProcess, for other programs a test
// starts the same way (e.g. the exchange binary). POSIX only; no dependencies.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace ex::testing {

// A program started by a test, with its output sent to `log_path` (or /dev/null), and
// stopped by PID (SIGTERM, then SIGKILL after `grace`) when the object goes away.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { stop(); }

  bool start(const std::vector<std::string>& argv, const std::string& log_path = "/dev/null") {
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    pid_ = pid;
    return true;
  }

  // True while the process has not exited.
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      status_ = status;
      return false;
    }
    return true;
  }

  // The exit code of a process that exited by itself, seen by running() or stop(); -1
  // while it runs, or if a signal ended it.
  int exit_code() const { return pid_ <= 0 && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }

  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000)) {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    status_ = status;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;  // waitpid's, once the process has ended
};

// A TCP socket bound to a port of 127.0.0.1 the kernel chose; that port goes to `port`.
inline int bind_loopback(uint16_t* port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return s;
}

// A port nobody listens on right now (bound once to port 0, then released).
inline uint16_t free_port() {
  uint16_t port = 0;
  close(bind_loopback(&port));
  return port;
}

// One blocking request/answer on a fresh TCP connection to 127.0.0.1:port: `request` is
// sent as is, and whatever arrives within `wait` is returned ("" if nothing or no server).
inline std::string tcp_exchange(uint16_t port, const std::string& request,
                                std::chrono::milliseconds wait = std::chrono::milliseconds(500)) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      send(s, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    timeval tv{static_cast<time_t>(wait.count() / 1000),
               static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n > 0) out.assign(buf, static_cast<size_t>(n));
  }
  close(s);
  return out;
}

class RedisServer {
 public:
  // Starts at once; with no port given, tries a few free ports (another process may take
  // the one chosen before redis-server binds it). started() says whether it worked.
  explicit RedisServer(uint16_t port = 0) : port_(port ? port : free_port()) {
    started_ = start();
    for (int attempt = 0; !started_ && port == 0 && attempt < 3; ++attempt) {
      stop();
      port_ = free_port();
      started_ = start();
    }
  }
  ~RedisServer() { stop(); }

  // Starts redis-server and waits until it answers PING (false after about 5 s, or if the
  // process exits, e.g. because the port is taken).
  bool start() {
    if (!process_.start({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--daemonize", "no"}))
      return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline && process_.running()) {
      if (tcp_exchange(port_, "PING\r\n", std::chrono::milliseconds(200)).rfind("+PONG", 0) == 0)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool started() const { return started_; }
  void stop() { process_.stop(); }
  // Connected clients stay connected and get no answer until resume(): a Redis that hangs.
  void pause() { kill(process_.pid(), SIGSTOP); }
  void resume() { kill(process_.pid(), SIGCONT); }
  bool restart() {
    stop();
    return start();
  }

  uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  uint16_t port_;
  bool started_ = false;
  ChildProcess process_;
};

}  // namespace ex::testing
