#include "lab/agents/http_request_end.hpp"

namespace lab::agent {

bool HttpRequestEnd::feed(std::string_view bytes) {
    for (char ch : bytes) {
        if (complete()) return true;
        if (ch == terminator_[matched_])
            ++matched_;
        else
            // "\r\r\n\r\n": a '\r' that breaks a match may itself start the next one.
            matched_ = ch == '\r' ? 1 : 0;
    }
    return complete();
}

}  // namespace lab::agent
