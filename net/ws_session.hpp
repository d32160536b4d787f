// One WebSocket connection: the control protocol of ws_protocol.hpp, subscriptions through
// its io thread's fan-out (fanout.hpp), and a bounded send queue. Frames leave through a
// coalescing layer (coalescing_stream.hpp): one socket write at a time, carrying every
// frame queued meanwhile. A connection whose queue overflows is closed with 1008 "slow
// consumer" so that it never slows the hubs or other subscribers.
// All of a session's work runs on its io thread.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ex {

struct EdgeContext;

// The WS-only port: performs the handshake itself (any path).
void start_ws_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<EdgeContext> ctx,
                      std::shared_ptr<void> peer_slot);

// The REST port: an HTTP session read an upgrade request for /ws and hands over, with the
// bytes it read after the request.
void start_ws_upgrade(boost::asio::ip::tcp::socket socket,
                      boost::beast::http::request<boost::beast::http::string_body> request,
                      std::string early_bytes, std::shared_ptr<EdgeContext> ctx,
                      std::shared_ptr<void> peer_slot);

}  // namespace ex
