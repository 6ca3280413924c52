#pragma once
// lab-server --mode http: enough HTTP/1.0 for load generators such as ab or wrk. A request ends at its
// blank line (no request bodies: GET and HEAD are what they send); the reply is one short fixed
// response after which the server closes, as an HTTP/1.0 server without keep-alive does.
#include <cstddef>
#include <string_view>

namespace lab::agent {

// Finds the "\r\n\r\n" that ends a request's header block, across reads that may split it anywhere.
class HttpRequestEnd {
public:
    // Feeds the next bytes read; true once the header block has ended (and from then on).
    bool feed(std::string_view bytes);
    bool complete() const { return matched_ == terminator_.size(); }

private:
    static constexpr std::string_view terminator_ = "\r\n\r\n";
    std::size_t matched_ = 0;
};

inline constexpr std::string_view http_response =
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

}  // namespace lab::agent
