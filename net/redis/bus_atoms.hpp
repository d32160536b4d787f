// Atoms the Redis bus actors send themselves (at most 10 characters each).
#pragma once

#include <caf/atom.hpp>

namespace ex::redis {

using bus_sent_atom = caf::atom_constant<caf::atom("bussent")>;    // a batch of XADDs ended
using bus_retry_atom = caf::atom_constant<caf::atom("busretry")>;  // try Redis again
using bus_read_atom = caf::atom_constant<caf::atom("busread")>;    // XREADGROUP/XAUTOCLAIM answered
using bus_acked_atom = caf::atom_constant<caf::atom("busacked")>;  // XACKs answered
using bus_ready_atom = caf::atom_constant<caf::atom("busready")>;  // consumer groups exist
using bus_source_atom = caf::atom_constant<caf::atom("bussource")>;  // who hears (stored, ...)
using bus_late_atom = caf::atom_constant<caf::atom("buslate")>;      // a flush waited too long

}  // namespace ex::redis
