#include "net/edge_context.hpp"

#include <stdexcept>
#include <vector>

#include <boost/beast/core/string.hpp>

namespace ex {

boost::asio::execution_context::id OpenConnections::id;

OpenConnections& OpenConnections::of(boost::asio::execution_context& ctx) {
  return boost::asio::use_service<OpenConnections>(ctx);
}

boost::asio::io_context& IoPool::next() {
  const size_t n = contexts_.size();
  const size_t first = next_.fetch_add(1, std::memory_order_relaxed);
  boost::asio::io_context* best = contexts_[first % n];
  int fewest = OpenConnections::of(*best).count();
  for (size_t k = 1; k < n && fewest > 0; ++k) {
    boost::asio::io_context* c = contexts_[(first + k) % n];
    const int open = OpenConnections::of(*c).count();
    if (open < fewest) {
      best = c;
      fewest = open;
    }
  }
  return *best;
}

void SessionRegistry::add(uint64_t id, std::weak_ptr<Closable> session) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[id] = std::move(session);
}

void SessionRegistry::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

size_t SessionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

void SessionRegistry::shutdown_all() {
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live)
    s->shutdown();  // outside the lock: shutdown() may call remove()
}

std::string EdgeContext::cors_origin(std::string_view request_origin) const {
  for (const auto& o : config.cors_origins) {
    if (o == "*") return "*";
    if (!request_origin.empty() && o == request_origin) return o;
  }
  return {};
}

bool EdgeContext::ws_origin_allowed(std::string_view request_origin, std::string_view host) const {
  if (request_origin.empty() || !cors_origin(request_origin).empty()) return true;
  // Same origin: "http(s)://" and the Host the browser connected to (scheme and host
  // names are case-insensitive).
  const std::optional<std::string_view> origin_host = after_http_scheme(request_origin);
  return origin_host && !host.empty() && boost::beast::iequals(*origin_host, host);
}

bool EdgeContext::cors_echoes_origin() const {
  for (const auto& o : config.cors_origins)
    if (o == "*") return false;
  return true;
}

std::shared_ptr<FanoutShard> EdgeContext::fanout_for(
    const boost::asio::execution_context& io_context) const {
  for (const auto& f : fanouts)
    if (&f->context() == &io_context) return f;
  throw std::logic_error("edge: a session on an io_context without a fan-out");
}

std::shared_ptr<void> PeerConnections::acquire(const std::string& peer, size_t limit) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  size_t& open = state_->open[peer];
  if (open >= limit) {
    if (open == 0) state_->open.erase(peer);
    return nullptr;
  }
  ++open;
  // Points at the state only to be non-null; the deleter gives the slot back.
  return std::shared_ptr<void>(state_.get(), [state = state_, peer](void*) {
    std::lock_guard<std::mutex> lock(state->mutex);
    auto it = state->open.find(peer);
    if (it != state->open.end() && --it->second == 0) state->open.erase(it);
  });
}

}  // namespace ex
