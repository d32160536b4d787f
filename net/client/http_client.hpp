// An asynchronous HTTP/1.1 client for one server: a small pool of keep-alive connections
// and a queue of requests waiting for one. Everything runs on one io_context; handlers
// are called on its thread, exactly once per request (unless the client is closed first).
//
// A request that fails on a connection that had already served others (the server closed
// an idle keep-alive connection, or restarted) is retried once on a fresh connection;
// any other transport failure is reported as status 0 (outcome unknown for a POST).
// Beast lives only in http_client.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/client/url.hpp"

namespace boost::asio {
class io_context;
}

namespace ex::client {

struct HttpResponse {
  int status = 0;  // 0: transport failure, see `error`
  std::string body;
  std::string error;  // transport failure, human readable
};
using HttpHandler = std::function<void(HttpResponse)>;

struct HttpOptions {
  size_t connections = 4;                    // keep-alive connections at most
  std::chrono::milliseconds timeout{10000};  // for each of connect, write, read
  size_t max_queued = 100000;  // requests waiting for a connection; beyond: failed at once
};

enum class Method { get, post, del };

class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, Url base, HttpOptions options = {});
  ~HttpClient();  // closes
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is the path and query ("/api/v1/depth?symbol=TATA_INR"); the base URL's path
  // is put before it. A non-empty body is sent as application/json.
  void request(Method method, std::string target, std::string body, HttpHandler done);

  // Requests sent and not yet answered, plus those queued.
  size_t in_flight() const;
  // Drops queued requests and closes every connection. No handler is called afterwards.
  void close();
  const Url& base() const;

  struct Impl;  // http_client.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ex::client
