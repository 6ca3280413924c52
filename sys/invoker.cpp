#include "sys/invoker.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace lab::sys {
namespace {

std::optional<unsigned long> number_in(std::string_view text) {
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

struct PasswdEntry {
    uid_t uid;
    gid_t gid;
    std::string name;
};

std::optional<PasswdEntry> passwd_entry(const std::string* name, uid_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    const int rc = name ? ::getpwnam_r(name->c_str(), &pw, buffer.data(), buffer.size(), &found)
                        : ::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found);
    if (rc != 0 || !found) return std::nullopt;
    return PasswdEntry{pw.pw_uid, pw.pw_gid, pw.pw_name};
}

std::vector<gid_t> groups_of(const std::string& name, gid_t primary) {
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    for (int attempt = 0; attempt < 4; ++attempt) {
        int n = count;
        if (::getgrouplist(name.c_str(), primary, groups.data(), &n) >= 0) {
            groups.resize(static_cast<std::size_t>(n));
            return groups;
        }
        count = std::max(n, count * 2);
        groups.resize(static_cast<std::size_t>(count));
    }
    return {primary};
}

Credentials with_groups(PasswdEntry e) {
    Credentials c;
    c.uid = e.uid;
    c.gid = e.gid;
    c.groups = groups_of(e.name, e.gid);
    c.name = std::move(e.name);
    return c;
}

std::optional<Credentials> read_sudo_invoker() {
    if (::geteuid() != 0) return std::nullopt;
    const char* text = std::getenv("SUDO_UID");
    if (!text) return std::nullopt;
    const auto uid = number_in(text);
    if (!uid || *uid == 0 || *uid > 0xfffffffeUL) return std::nullopt;
    if (auto entry = passwd_entry(nullptr, static_cast<uid_t>(*uid))) return with_groups(std::move(*entry));
    Credentials c;
    c.uid = static_cast<uid_t>(*uid);
    const char* gid_text = std::getenv("SUDO_GID");
    const auto gid = gid_text ? number_in(gid_text) : std::nullopt;
    c.gid = static_cast<gid_t>(gid && *gid <= 0xfffffffeUL ? *gid : *uid);
    c.groups = {c.gid};
    c.name = std::to_string(c.uid);
    return c;
}

}  // namespace

std::optional<Credentials> sudo_invoker() {
    // Read again when $SUDO_UID changes (tests set it), from a cache otherwise: passwd lookups are slow.
    static std::mutex mutex;
    static std::optional<std::string> cached_for;
    static std::optional<Credentials> cached;
    const char* text = std::getenv("SUDO_UID");
    const std::optional<std::string> now = text ? std::optional<std::string>(text) : std::nullopt;
    std::lock_guard lock(mutex);
    if (!cached_for || *cached_for != now.value_or("\n")) {
        cached = read_sudo_invoker();
        cached_for = now.value_or("\n");
    }
    return cached;
}

Credentials credentials_of(const std::string& user) {
    if (auto uid = number_in(user)) {
        if (*uid > 0xfffffffeUL) throw std::runtime_error(fmt::format("user {}: not a uid", user));
        if (auto entry = passwd_entry(nullptr, static_cast<uid_t>(*uid))) return with_groups(std::move(*entry));
        Credentials c;
        c.uid = static_cast<uid_t>(*uid);
        c.gid = static_cast<gid_t>(*uid);
        c.groups = {c.gid};
        c.name = user;
        return c;
    }
    if (auto entry = passwd_entry(&user, 0)) return with_groups(std::move(*entry));
    throw std::runtime_error(fmt::format("user '{}': no such user on this machine", user));
}

bool permits(const struct stat& st, const Credentials& who, int access) {
    unsigned shift = 0;  // others
    if (st.st_uid == who.uid) shift = 6;
    else if (st.st_gid == who.gid || std::find(who.groups.begin(), who.groups.end(), st.st_gid) != who.groups.end())
        shift = 3;
    const unsigned bits = (static_cast<unsigned>(st.st_mode) >> shift) & 7u;
    unsigned wanted = 0;
    if (access & R_OK) wanted |= 4u;
    if (access & W_OK) wanted |= 2u;
    if (access & X_OK) wanted |= 1u;
    return (bits & wanted) == wanted;
}

bool trusted_owner(uid_t uid) {
    if (uid == 0 || uid == ::geteuid()) return true;
    const auto invoker = sudo_invoker();
    return invoker && invoker->uid == uid;
}

bool trusted_link_owner(uid_t uid) { return uid == 0 || uid == ::geteuid(); }

}  // namespace lab::sys
