// The one translation unit that compiles Boost.Asio and Boost.Beast themselves
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set for every
// user of ex_net), so that session code compiles faster.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
