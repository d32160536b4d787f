// What every kind of node does the same way as a process: logging set up, SIGINT/SIGTERM
// taken by one sigwait, the edge configured from the options, and the one line a person
// (or a test) waits for.
#pragma once

#include <csignal>
#include <string>

#include "config/options.hpp"
#include "net/edge.hpp"

namespace ex {

// Sets the log level, raises the open-file limit to its maximum, and blocks SIGINT and
// SIGTERM in this thread, before any other starts (so every thread inherits the mask and
// the signals queue for wait_for_signal).
sigset_t prepare_process(const Options& o);
// Blocks until SIGINT or SIGTERM (or a request_stop); returns which signal.
int wait_for_signal(const sigset_t& signals);
// Stops the process as SIGTERM does, from any thread, and makes it exit with `exit_code`:
// for a part that finds the node must not go on. The first request's code counts.
void request_stop(int exit_code);
// The exit code a request_stop asked for; 0 if none did.
int requested_exit_code();

// Says why the node does not start, in the log and on stderr; returns `exit_code`.
int refuse_start(const std::string& why, int exit_code = 1);

// Takes <data_dir>/LOCK for the life of the process (an exclusive flock, with this pid
// written in it), or says which process holds it: two nodes on one data directory would
// hand out the same order and trade ids into the same journals.
Result<bool> lock_data_dir(const std::string& data_dir);

// What names this node to others (a Redis claim): "<host>:<id>", the id random and kept in
// <data_dir>/node-id from the first start on, so a node is itself across restarts however
// its directory is spelt, and two nodes with the same host name and path are not one. Call
// with the data directory locked.
Result<std::string> node_name(const std::string& data_dir);

// The connections the edge may hold by default: the open-file limit less a reserve for
// storage.
size_t connection_budget();
EdgeConfig edge_config(const Options& o, std::string static_dir);

// "exchange listening: http://... ws://... <what>": printed once the edge listens.
void print_listening(const Options& o, const Edge& edge, const std::string& what);

}  // namespace ex
