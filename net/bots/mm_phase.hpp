// Where the market maker is in its life. MarketMaker::Impl (market_maker.cpp) alone moves
// it; the other parts of the bot read it to drop replies and timers that arrive too late.
#pragma once

namespace ex::bots {

// running: quoting. offline: the exchange is gone; waiting for /ready and the WebSocket.
// reconciling: finding out what happened to orders meanwhile. stopping: cancelling.
enum class MmPhase { idle, starting, running, offline, reconciling, stopping, stopped };

}  // namespace ex::bots
