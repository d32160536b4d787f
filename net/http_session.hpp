// One HTTP/1.1 connection on the REST port: keep-alive, pipelining (requests are read
// ahead while earlier ones wait for the API, and answered in order), the REST routes,
// CORS, static files, and the upgrade of "/ws" to a WebSocket session.
// All of a session's work runs on its socket's executor: a strand when the edge has
// several io threads, the single io thread otherwise.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>

namespace ex {

struct EdgeContext;

// Takes over an accepted socket (its executor serializes the session) and serves it until
// it closes. `peer_slot`: the connection's place in its client's count (PeerConnections),
// held as long as the socket is open; may be null.
void start_http_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<EdgeContext> ctx,
                        std::shared_ptr<void> peer_slot);

}  // namespace ex
