#include "tests/fuzz/scenario_mutator.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "tests/fuzz/assignment_scanner.hpp"
#include "tests/fuzz/fuzz_random.hpp"

namespace lab::fuzz {
namespace {

using Corpus = std::vector<CorpusFile>;

// Every key the scenario format knows, in every section: a renamed key lands somewhere it may mean
// something else.
constexpr std::string_view kKeys[] = {
    "scenario", "name", "summary", "source", "doc", "kernel", "note", "compression", "time_limit", "hosts",
    "sysctl", "routes", "to", "via", "links", "ends", "subnet", "impair", "delay", "jitter", "loss",
    "duplicate", "reorder", "corrupt", "rate", "limit", "blackhole", "steps", "at", "run", "host", "agent",
    "args", "command", "copies", "snapshot", "wait", "process", "timeout", "sockets", "at_least", "stop",
    "unplug", "replug", "link", "expect", "id", "description", "counter", "events", "exit", "equals", "min",
    "max", "in", "same_as", "documented", "protocol", "state", "local_port", "remote_port", "metric", "group",
    "op", "result", "errno", "sum", "per_conn", "code", "output", "stream", "pattern", "matches", "instance",
    "per_instance", "\"client>server\"", "\"net.ipv4.tcp_syncookies\"",
    "\"net.netfilter.nf_hooks_lwtunnel\""};

// A value of every TOML type, and a few that are hard on parsers.
constexpr std::string_view kWrongTypeValues[] = {
    "\"text\"", "''", "\"\"", "42", "-7", "0", "3.5", "-0.0", "1e308", "inf", "-inf", "nan", "true", "false",
    "[]", "[1, \"a\", true]", "[[1], [2]]", "{}", "{ a = 1 }", "{ name = \"x\", host = 3 }",
    "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27", "0x7fffffffffffffff", "0o777", "0b101", "1_000",
    "\"\"\"multi\nline\"\"\"", "'''literal'''", "[ { at = \"0s\" } ]", "\"250ms\"", "\"-1s\"", "\"1.5\"",
    "\"198.18.0.0/15\"", "\"0.0.0.0/0\"", "\"listen\"", "[\"a\", \"b\", \"c\"]"};

// Numbers at and past every boundary a parser converts to: int32, int64, uint64, double.
constexpr std::string_view kHugeNumbers[] = {
    "2147483647",          "2147483648",           "4294967295",           "4294967296",
    "9223372036854775807", "9223372036854775808",  "18446744073709551615", "18446744073709551616",
    "99999999999999999999999999999999999999", "1e309", "1.7976931348623157e308", "4.9e-324",
    "340282366920938463463374607431768211456", "0000000000000000000000000000000000000001"};

constexpr std::string_view kNegativeNumbers[] = {"-1", "-0", "-2147483648", "-2147483649", "-9223372036854775808",
                                                 "-9223372036854775809", "-1e309", "-99999999999999999999"};

// As TOML escapes (they become real control characters once parsed) and raw (invalid TOML in most places).
constexpr std::string_view kControlCharacters[] = {
    "\\u001b[31m", "\\u001b[2J\\u001b[H", "\\u001b]0;title\\u0007", "\\u0000", "\\n", "\\r", "\\t", "\\b",
    "\\f", "\\u007f", "\\u009b31m", "\\u0085", "\\r\\nforged.toml:1:1: error", "\x1b[31m", "\x07", "\r",
    std::string_view("\0", 1), "\x7f", "\x1b]8;;http://x\x1b\\"};

constexpr std::string_view kUnicode[] = {
    "é", "名前", "😀", "\u202e", "\u200b", "\ufeff", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\\ud800",
    "e\u0301\u0301\u0301", "１２３", "٣", "\\U0010FFFF", "\\U00110000", "ｓｅｒｖｅｒ", "\u2028", "Ω"};

constexpr std::string_view kReferenceTemplates[] = {
    "${hosts.HOST.addr}", "${hosts.HOST.netns}", "${hosts.nosuch.addr}", "${hosts.HOST.nosuch}", "${run.dir}",
    "${run.id}", "${run.prefix}", "${run.nosuch}", "${", "${}", "${hosts}", "${hosts.}", "${hosts..addr}",
    "${${hosts.HOST.addr}}", "${hosts.${run.id}.addr}", "$${hosts.HOST.addr}", "$$${run.dir}", "$$$$",
    "${run.dir", "${hosts.HOST.addr}${run.id}${run.prefix}", "${HOSTS.HOST.ADDR}", "${hosts.HOST.addr:-x}",
    "${hosts.\\u001b[31m.addr}", "$", "${ run.dir }", "${hosts.HOST.addr}}", "{{run.dir}}"};

struct Line {
    std::size_t begin;
    std::size_t end;  // past the '\n', if any
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t nl = text.find('\n', begin);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back({begin, end});
        begin = end;
    }
    return lines;
}

std::vector<Span> digit_runs(std::string_view text) {
    std::vector<Span> runs;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] >= '0' && text[i] <= '9') {
            std::size_t j = i;
            while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
            runs.push_back({i, j});
            i = j;
        } else {
            ++i;
        }
    }
    return runs;
}

std::vector<std::string> host_names(std::string_view text) {
    std::vector<std::string> names;
    constexpr std::string_view header = "[hosts.";
    for (std::size_t at = text.find(header); at != std::string_view::npos; at = text.find(header, at + 1)) {
        const std::size_t end = text.find(']', at);
        if (end == std::string_view::npos) break;
        // A host renamed to a 1 MiB string by long-string stays out: copied into 60 expectations it
        // would make a 60 MiB file that tests the disk, not the parser.
        const std::size_t length = end - at - header.size();
        if (length <= 64) names.emplace_back(text.substr(at + header.size(), length));
    }
    if (names.empty()) names.emplace_back("server");
    return names;
}

void replace(std::string& text, Span span, std::string_view with) {
    text.replace(span.begin, span.size(), with);
}

std::string with_host(std::string_view pattern, const std::string& host) {
    std::string out(pattern);
    for (std::size_t at = out.find("HOST"); at != std::string::npos; at = out.find("HOST", at + host.size()))
        out.replace(at, 4, host);
    return out;
}

// A position strictly inside the span of a quoted string (after its opening quote).
std::size_t inside(const Span& s, FuzzRandom& rng) {
    if (s.size() < 2) return s.begin;
    return s.begin + 1 + rng.below(s.size() - 1);
}

void byte_flip(std::string& text, FuzzRandom& rng, const Corpus&) {
    if (text.empty()) return;
    for (std::size_t n = rng.between(1, 8); n > 0; --n)
        text[rng.below(text.size())] ^= static_cast<char>(1u << rng.below(8));
}

void truncate(std::string& text, FuzzRandom& rng, const Corpus&) { text.resize(rng.below(text.size() + 1)); }

void duplicate_lines(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto lines = split_lines(text);
    if (lines.empty()) return;
    const std::size_t first = rng.below(lines.size());
    const std::size_t last = std::min(lines.size() - 1, first + rng.below(6));
    std::string block = text.substr(lines[first].begin, lines[last].end - lines[first].begin);
    if (!block.ends_with('\n')) block += '\n';
    const std::size_t copies = rng.chance(10) ? rng.between(2, 50) : 1;
    std::string repeated;
    for (std::size_t i = 0; i < copies; ++i) repeated += block;
    const std::size_t at = rng.chance(50) ? lines[last].end : lines[rng.below(lines.size())].begin;
    text.insert(at, repeated);
}

void remove_lines(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto lines = split_lines(text);
    if (lines.empty()) return;
    const std::size_t first = rng.below(lines.size());
    const std::size_t last = std::min(lines.size() - 1, first + rng.below(3));
    text.erase(lines[first].begin, lines[last].end - lines[first].begin);
}

void swap_values(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto pairs = scan_assignments(text);
    if (pairs.size() < 2) return;
    for (int attempt = 0; attempt < 10; ++attempt) {
        Span a = rng.pick(pairs).value, b = rng.pick(pairs).value;
        if (a.begin > b.begin) std::swap(a, b);
        if (a.end > b.begin) continue;  // the same value, or one inside the other
        const std::string va = text.substr(a.begin, a.size()), vb = text.substr(b.begin, b.size());
        replace(text, b, va);  // the later one first: the earlier span stays valid
        replace(text, a, vb);
        return;
    }
}

void wrong_type(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto pairs = scan_assignments(text);
    if (pairs.empty()) return;
    replace(text, rng.pick(pairs).value, rng.pick(kWrongTypeValues));
}

// Every leaf value of the file (one that holds no pair of its own) gets a value of a random other type:
// each key's type check runs, in every section, in one file.
void wrong_type_everywhere(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto pairs = scan_assignments(text);
    std::vector<Span> leaves;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const bool holds_a_pair = i + 1 < pairs.size() && pairs[i + 1].key.begin < pairs[i].value.end;
        if (!holds_a_pair) leaves.push_back(pairs[i].value);
    }
    std::vector<std::string_view> replacements;
    for (std::size_t i = 0; i < leaves.size(); ++i) replacements.push_back(rng.pick(kWrongTypeValues));
    for (std::size_t i = leaves.size(); i-- > 0;) replace(text, leaves[i], replacements[i]);  // last first
}

void huge_number(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto runs = digit_runs(text);
    if (runs.empty()) return;
    replace(text, rng.pick(runs), rng.pick(kHugeNumbers));
}

void negative_number(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto runs = digit_runs(text);
    if (runs.empty()) return;
    const Span run = rng.pick(runs);
    if (rng.chance(50))
        text.insert(run.begin, "-");
    else
        replace(text, run, rng.pick(kNegativeNumbers));
}

std::string nested(std::string_view open, std::string_view close, std::string_view core, std::size_t depth) {
    std::string out;
    out.reserve(depth * (open.size() + close.size()) + core.size());
    for (std::size_t i = 0; i < depth; ++i) out += open;
    out += core;
    for (std::size_t i = 0; i < depth; ++i) out += close;
    return out;
}

void deep_nesting(std::string& text, FuzzRandom& rng, const Corpus&) {
    constexpr std::size_t kDepths[] = {10, 100, 255, 256, 257, 1000, 10000};
    const std::size_t depth = rng.pick(kDepths);
    std::string value;
    switch (rng.below(4)) {
        case 0: value = nested("[", "]", "1", depth); break;
        case 1: value = nested("{ a = ", " }", "1", depth); break;
        case 2: {  // a dotted key as deep as the depth, appended as its own line
            std::string key = "deep";
            for (std::size_t i = 0; i < depth; ++i) key += ".d";
            text += "\n" + key + " = 1\n";
            return;
        }
        default: {  // a table header as deep
            std::string header = "\n[hosts.deep";
            for (std::size_t i = 0; i < depth; ++i) header += ".d";
            text += header + "]\nx = 1\n";
            return;
        }
    }
    const auto pairs = scan_assignments(text);
    if (pairs.empty() || rng.chance(20))
        text += "\ndeep = " + value + "\n";
    else
        replace(text, rng.pick(pairs).value, value);
}

void long_string(std::string& text, FuzzRandom& rng, const Corpus&) {
    constexpr std::size_t kLengths[] = {300, 4096, 65536, 1u << 20};
    const std::size_t length = rng.chance(90) ? rng.pick(kLengths) % 65537 : rng.pick(kLengths);
    constexpr std::string_view kUnits[] = {"a", "-", "é", "${run.dir}", "x ", "9"};
    const std::string_view unit = rng.pick(kUnits);
    std::string content;
    while (content.size() < length) content += unit;
    const auto strings = scan_strings(text);
    if (strings.empty() || rng.chance(15)) {  // a long bare key, or a long host name in a header
        const std::string name(length, rng.chance(50) ? 'h' : '_');
        text += rng.chance(50) ? "\n[hosts." + name + "]\n" : "\n" + name + " = 1\n";
        return;
    }
    const Span s = rng.pick(strings);
    if (s.size() < 2) return;
    const std::string quote(1, text[s.begin]);
    replace(text, s, quote + content + quote);
}

void control_characters(std::string& text, FuzzRandom& rng, const Corpus&) {
    const std::string_view injected = rng.pick(kControlCharacters);
    if (rng.chance(30)) {  // into a host name in its header, quoted so that TOML accepts the escape
        const auto hosts = host_names(text);
        const std::string& host = rng.pick(hosts);
        const std::string header = "[hosts." + host + "]";
        const std::size_t at = text.find(header);
        const std::string renamed = "[hosts.\"" + host + std::string(injected) + "\"]";
        if (at != std::string::npos)
            text.replace(at, header.size(), renamed);
        else
            text += "\n" + renamed + "\n";
        return;
    }
    const auto strings = scan_strings(text);
    if (strings.empty()) {
        text.insert(rng.below(text.size() + 1), injected);
        return;
    }
    text.insert(inside(rng.pick(strings), rng), injected);
}

void unicode(std::string& text, FuzzRandom& rng, const Corpus&) {
    const std::string_view injected = rng.pick(kUnicode);
    const auto strings = scan_strings(text);
    if (strings.empty() || rng.chance(20)) {
        text.insert(rng.below(text.size() + 1), injected);
        return;
    }
    text.insert(inside(rng.pick(strings), rng), injected);
}

void references(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto hosts = host_names(text);
    // One draw per statement: the order in which a call's arguments are evaluated is unspecified,
    // and the text must not depend on the compiler.
    const std::string_view pattern = rng.pick(kReferenceTemplates);
    std::string reference = with_host(pattern, rng.pick(hosts));
    if (rng.chance(20)) {
        const std::string_view second = rng.pick(kReferenceTemplates);
        reference += with_host(second, rng.pick(hosts));
    }
    const auto strings = scan_strings(text);
    if (strings.empty()) {
        text += "\n[[steps]]\nat = \"0s\"\nrun = { name = \"ref\", host = \"" + hosts.front() +
                "\", command = [\"echo\", \"" + reference + "\"] }\n";
        return;
    }
    const Span s = rng.pick(strings);
    if (rng.chance(50) && s.size() >= 2)
        replace(text, {s.begin + 1, s.end - 1}, reference);
    else
        text.insert(inside(s, rng), reference);
}

void same_as_chain(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto hosts = host_names(text);
    const std::size_t length = rng.between(1, 60);
    const std::string prefix = fmt::format("fz{}-", rng.below(1000));
    std::string block;
    for (std::size_t i = 0; i < length; ++i) {
        std::string target;
        switch (rng.below(6)) {
            case 0: target = prefix + std::to_string(i); break;                          // itself
            case 1: target = prefix + "0"; break;                                        // back to the start
            case 2: target = prefix + "nosuch"; break;                                   // nothing
            default: target = prefix + std::to_string(i + 1 == length ? 0 : i + 1);    // a ring
        }
        const std::string& host = rng.pick(hosts);
        const std::string same_as = rng.chance(5) ? "5" : "\"" + target + "\"";
        block += fmt::format("\n[[expect]]\nid = \"{}{}\"\nhost = \"{}\"\ncounter = \"TcpExt.ListenOverflows\"\n"
                             "same_as = {}\n",
                             prefix, i, host, same_as);
    }
    text += block;
}

void many_hosts(std::string& text, FuzzRandom& rng, const Corpus&) {
    constexpr std::size_t kCounts[] = {20, 60, 200, 600};
    const std::size_t count = rng.chance(80) ? rng.pick(kCounts) % 201 : rng.pick(kCounts);
    std::string block;
    for (std::size_t i = 0; i < count; ++i) block += fmt::format("\n[hosts.fz{}]\n", i);
    if (rng.chance(50)) {  // one bridge joining all of them
        block += "\n[[links]]\nends = [";
        for (std::size_t i = 0; i < count; ++i) block += fmt::format("{}\"fz{}\"", i ? ", " : "", i);
        block += "]\n";
    } else {  // a chain of veth pairs: more links than /24s in 198.18.0.0/15 at the largest count
        for (std::size_t i = 0; i + 1 < count; ++i)
            block += fmt::format("\n[[links]]\nends = [\"fz{}\", \"fz{}\"]\n", i, i + 1);
    }
    for (std::size_t i = 0; i < count; i += 1 + rng.below(10))
        block += fmt::format("\n[[steps]]\nat = \"{}ms\"\nrun = {{ name = \"p{}\", host = \"fz{}\", command = "
                             "[\"true\"], copies = {} }}\n",
                             i, i, i, 1 + rng.below(3));
    text += block;
}

void rename_key(std::string& text, FuzzRandom& rng, const Corpus&) {
    const auto pairs = scan_assignments(text);
    if (pairs.empty()) return;
    replace(text, rng.pick(pairs).key, rng.pick(kKeys));
}

void mangle_header(std::string& text, FuzzRandom& rng, const Corpus&) {
    std::vector<Line> headers;
    for (const Line& l : split_lines(text))
        if (text[l.begin] == '[') headers.push_back(l);
    if (headers.empty()) return;
    const Line h = rng.pick(headers);
    std::string line = text.substr(h.begin, h.end - h.begin);
    switch (rng.below(5)) {
        case 0:  // [x] <-> [[x]]
            if (line.starts_with("[[")) {
                line.erase(0, 1);
                if (auto close = line.find("]]"); close != std::string::npos) line.erase(close, 1);
            } else {
                line.insert(0, "[");
                if (auto close = line.find(']'); close != std::string::npos) line.insert(close, "]");
            }
            break;
        case 1: line = "[" + std::string(rng.pick(kKeys)) + "]\n"; break;
        case 2: line += line; break;                          // the same table twice
        case 3: line = "[[" + std::string(rng.pick(kKeys)) + "]]\n"; break;
        default: line = "[hosts]\n"; break;                   // hosts as a plain table
    }
    text.replace(h.begin, h.end - h.begin, line);
}

void splice(std::string& text, FuzzRandom& rng, const Corpus& corpus) {
    const std::string& other = rng.pick(corpus).text;
    const auto theirs = split_lines(other);
    if (theirs.empty()) return;
    const std::size_t first = rng.below(theirs.size());
    const std::size_t last = std::min(theirs.size() - 1, first + rng.below(20));
    std::string chunk = other.substr(theirs[first].begin, theirs[last].end - theirs[first].begin);
    const auto ours = split_lines(text);
    const std::size_t at = ours.empty() ? 0 : ours[rng.below(ours.size())].begin;
    text.insert(at, chunk);
}

void random_bytes(std::string& text, FuzzRandom& rng, const Corpus&) {
    std::string bytes;
    for (std::size_t n = rng.between(1, 16); n > 0; --n) bytes += static_cast<char>(rng.below(256));
    text.insert(rng.below(text.size() + 1), bytes);
}

struct Mutation {
    std::string_view name;
    void (*apply)(std::string&, FuzzRandom&, const Corpus&);
};

constexpr Mutation kMutations[] = {
    {"byte-flip", byte_flip},
    {"truncate", truncate},
    {"duplicate-lines", duplicate_lines},
    {"remove-lines", remove_lines},
    {"swap-values", swap_values},
    {"wrong-type", wrong_type},
    {"wrong-type-everywhere", wrong_type_everywhere},
    {"huge-number", huge_number},
    {"negative-number", negative_number},
    {"deep-nesting", deep_nesting},
    {"long-string", long_string},
    {"control-characters", control_characters},
    {"unicode", unicode},
    {"references", references},
    {"same-as-chain", same_as_chain},
    {"many-hosts", many_hosts},
    {"rename-key", rename_key},
    {"mangle-header", mangle_header},
    {"splice", splice},
    {"random-bytes", random_bytes},
};

}  // namespace

ScenarioMutator::ScenarioMutator(std::vector<CorpusFile> corpus) : corpus_(std::move(corpus)) {
    if (corpus_.empty()) throw std::invalid_argument("the fuzz corpus is empty: no scenario files to mutate");
}

Mutant ScenarioMutator::make(std::uint64_t seed, std::uint64_t index) const {
    FuzzRandom rng(seed, index);
    const CorpusFile& base = rng.pick(corpus_);
    Mutant m{base.text, base.name, {}};
    const std::size_t roll = rng.below(100);
    const std::size_t count = roll < 50 ? 1 : roll < 80 ? 2 : roll < 95 ? 3 : 4;
    for (std::size_t i = 0; i < count; ++i) {
        const Mutation& mutation = rng.pick(kMutations);
        mutation.apply(m.text, rng, corpus_);
        m.mutations.push_back(mutation.name);
    }
    return m;
}

std::vector<std::string_view> ScenarioMutator::mutation_names() {
    std::vector<std::string_view> names;
    for (const auto& m : kMutations) names.push_back(m.name);
    return names;
}

}  // namespace lab::fuzz
