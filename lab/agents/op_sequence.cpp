#include "lab/agents/op_sequence.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "common/text_fields.hpp"

namespace lab::agent {
namespace {

struct OpSpelling {
    OpKind kind;
    std::string_view name;
};

constexpr std::array<OpSpelling, 13> spellings{{
    {OpKind::Connect, "connect"},
    {OpKind::Send, "send"},
    {OpKind::Recv, "recv"},
    {OpKind::Sleep, "sleep"},
    {OpKind::Shutdown, "shutdown"},
    {OpKind::Close, "close"},
    {OpKind::Linger0, "linger0"},
    {OpKind::Linger, "linger"},
    {OpKind::Keepalive, "keepalive"},
    {OpKind::UserTimeout, "user_timeout"},
    {OpKind::Outq, "outq"},
    {OpKind::WaitError, "wait_error"},
    {OpKind::AppAck, "appack"},
}};

constexpr std::string_view usage =
    "connect[:TIMEOUT], send:SIZE[:TIMEOUT], recv[:TIMEOUT], sleep:DURATION, shutdown, close, linger0, "
    "linger:SECONDS, keepalive:IDLE/INTVL/CNT, user_timeout:DURATION, outq, wait_error[:TIMEOUT], appack[:TIMEOUT]";

std::optional<OpKind> kind_named(std::string_view name) {
    for (const auto& s : spellings)
        if (s.name == name) return s.kind;
    return std::nullopt;
}

// Holds either an error text or nothing; lets each op parser return early with a reason.
using Problem = std::optional<std::string>;

Problem parse_duration_into(std::string_view text, std::string_view what, Duration& out) {
    auto parsed = parse_duration(text);
    if (failed(parsed)) return std::string(what) + ": " + std::get<ParseError>(parsed).message;
    out = std::get<Duration>(parsed);
    return std::nullopt;
}

Problem parse_timeout(std::string_view text, std::optional<Duration>& out) {
    Duration d{};
    if (auto problem = parse_duration_into(text, "bad timeout", d)) return problem;
    if (d <= Duration::zero()) return std::string("the timeout must be longer than 0");
    out = d;
    return std::nullopt;
}

// The kernel takes keepalive times in whole seconds; "1.5s" would silently become 1s, so it is refused.
Problem parse_whole_seconds(std::string_view text, std::string_view what, Duration& out) {
    if (auto problem = parse_duration_into(text, std::string("bad ") + std::string(what), out)) return problem;
    if (out < std::chrono::seconds(1) || out % std::chrono::seconds(1) != Duration::zero())
        return std::string(what) + " must be a whole number of seconds, at least 1s (the kernel counts seconds)";
    if (out > std::chrono::seconds(32767)) return std::string(what) + " must be at most 32767s (MAX_TCP_KEEPIDLE)";
    return std::nullopt;
}

Problem parse_keepalive(std::string_view text, Keepalive& out) {
    auto fields = split_trimmed(text, '/');
    if (fields.size() != 3) return std::string("keepalive needs IDLE/INTVL/CNT, e.g. keepalive:1s/1s/2");
    if (auto p = parse_whole_seconds(trim(fields[0]), "keepalive idle", out.idle)) return p;
    if (auto p = parse_whole_seconds(trim(fields[1]), "keepalive interval", out.interval)) return p;
    auto count = trim(fields[2]);
    int n = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size() || n < 1 || n > 127)
        return "keepalive count '" + std::string(count) + "' must be a whole number from 1 to 127 (MAX_TCP_KEEPCNT)";
    out.count = n;
    return std::nullopt;
}

Problem parse_args(Op& op, const std::vector<std::string_view>& args) {
    auto too_many = [&](std::size_t allowed) -> Problem {
        if (args.size() <= allowed) return std::nullopt;
        return std::string(op_name(op.kind)) + " takes " +
               (allowed == 0 ? std::string("no argument") : "at most " + std::to_string(allowed) + " argument" + (allowed > 1 ? "s" : ""));
    };
    switch (op.kind) {
    case OpKind::Connect:
    case OpKind::Recv:
        if (auto p = too_many(1)) return p;
        if (args.size() == 1) return parse_timeout(args[0], op.timeout);
        if (op.kind == OpKind::Recv) op.timeout = default_recv_timeout;
        return std::nullopt;
    case OpKind::Send: {
        if (args.empty()) return std::string("send needs a size, e.g. send:100 or send:4KiB");
        if (auto p = too_many(2)) return p;
        auto size = parse_size(args[0]);
        if (failed(size)) return "bad size: " + std::get<ParseError>(size).message;
        op.size = std::get<std::uint64_t>(size);
        if (op.size == 0) return std::string("send size must be at least 1 byte");
        if (args.size() == 2) return parse_timeout(args[1], op.timeout);
        return std::nullopt;
    }
    case OpKind::Sleep:
        if (args.empty()) return std::string("sleep needs a duration, e.g. sleep:1s");
        if (auto p = too_many(1)) return p;
        return parse_duration_into(args[0], "bad duration", op.length);
    case OpKind::Shutdown:
    case OpKind::Close:
    case OpKind::Linger0:
    case OpKind::Outq:
        return too_many(0);
    case OpKind::Linger:
        if (args.empty()) return std::string("linger needs whole seconds, e.g. linger:2s");
        if (auto p = too_many(1)) return p;
        if (auto p = parse_duration_into(args[0], "bad linger time", op.length)) return p;
        // SO_LINGER counts whole seconds; an hour is already far past anything a scenario waits for.
        if (op.length < std::chrono::seconds(1) || op.length > std::chrono::hours(1) ||
            op.length % std::chrono::seconds(1) != Duration::zero())
            return std::string("linger must be whole seconds from 1s to 3600s (SO_LINGER counts seconds; linger0 resets)");
        return std::nullopt;
    case OpKind::Keepalive:
        if (args.empty()) return std::string("keepalive needs IDLE/INTVL/CNT, e.g. keepalive:1s/1s/2");
        if (auto p = too_many(1)) return p;
        return parse_keepalive(args[0], op.keepalive);
    case OpKind::UserTimeout: {
        if (args.empty()) return std::string("user_timeout needs a duration, e.g. user_timeout:2s");
        if (auto p = too_many(1)) return p;
        if (auto p = parse_duration_into(args[0], "bad duration", op.length)) return p;
        // TCP_USER_TIMEOUT is an unsigned int of milliseconds; 0 means "the system default".
        if (op.length % std::chrono::milliseconds(1) != Duration::zero())
            return std::string("user_timeout must be whole milliseconds (the kernel counts ms)");
        if (op.length > std::chrono::milliseconds(std::numeric_limits<int>::max()))
            return std::string("user_timeout is too long for the kernel (at most INT_MAX ms)");
        return std::nullopt;
    }
    case OpKind::WaitError:
    case OpKind::AppAck:
        if (auto p = too_many(1)) return p;
        if (args.size() == 1) return parse_timeout(args[0], op.timeout);
        op.timeout = op.kind == OpKind::WaitError ? default_wait_error_timeout : default_appack_timeout;
        return std::nullopt;
    }
    return std::nullopt;
}

// Ops that act on a socket need one: catching "send" before "connect" here gives a message that
// says how to fix the sequence, where at run time it would only be EBADF on every connection.
Problem check_socket_order(const Op& op, bool& open) {
    switch (op.kind) {
    case OpKind::Connect:
        if (open) return std::string("the connection is already open: close it before connecting again");
        open = true;
        return std::nullopt;
    case OpKind::Sleep:
    case OpKind::Keepalive:
    case OpKind::UserTimeout:
        return std::nullopt;
    case OpKind::Close:
    case OpKind::Linger0:
    case OpKind::Linger:
        if (!open) return std::string(op_name(op.kind)) + " needs an open connection: put connect before it";
        open = false;
        return std::nullopt;
    default:
        if (!open) return std::string(op_name(op.kind)) + " needs an open connection: put connect before it";
        return std::nullopt;
    }
}

}  // namespace

bool is_socket_option(OpKind kind) { return kind == OpKind::Keepalive || kind == OpKind::UserTimeout; }

std::string_view op_name(OpKind kind) {
    for (const auto& s : spellings)
        if (s.kind == kind) return s.name;
    return "?";
}

Parsed<std::vector<Op>> parse_op_sequence(std::string_view text) {
    auto items = split_trimmed(text, ';');
    // A trailing ';' is what people type when they append ops by hand; it is not an empty op.
    if (items.size() > 1 && trim(items.back()).empty()) items.pop_back();
    if (items.size() == 1 && trim(items[0]).empty())
        return ParseError{std::string("the op sequence is empty (ops: ") + std::string(usage) + ")"};

    std::vector<Op> ops;
    bool open = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string_view item = trim(items[i]);
        auto fail = [&](std::string why) {
            return ParseError{"op " + std::to_string(i + 1) + " \"" + std::string(item) + "\": " + why};
        };
        if (item.empty()) return fail("empty op (two ';' in a row?)");
        auto parts = split_trimmed(item, ':');
        auto kind = kind_named(trim(parts[0]));
        if (!kind) return fail("unknown op '" + std::string(trim(parts[0])) + "' (ops: " + std::string(usage) + ")");
        Op op;
        op.kind = *kind;
        auto colon = item.find(':');
        if (colon != std::string_view::npos) op.arg = std::string(item.substr(colon + 1));
        std::vector<std::string_view> args;
        for (std::size_t a = 1; a < parts.size(); ++a) args.push_back(trim(parts[a]));
        if (auto problem = parse_args(op, args)) return fail(*problem);
        if (auto problem = check_socket_order(op, open)) return fail(*problem);
        ops.push_back(std::move(op));
    }
    return ops;
}

}  // namespace lab::agent
