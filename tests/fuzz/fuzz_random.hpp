#pragma once
// The fuzzer's only source of randomness: the same (seed, index) gives the same numbers with every
// compiler and standard library (std::mt19937_64's sequence is fixed by the standard; the
// distributions are not, so none is used), which is what makes a failing file reproducible by name.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>

namespace lab::fuzz {

class FuzzRandom {
public:
    FuzzRandom(std::uint64_t seed, std::uint64_t index) : engine_(mix(seed * 0x9e3779b97f4a7c15ULL + mix(index))) {}

    std::uint64_t next() { return engine_(); }
    // A number in [0, n); n > 0. The modulo bias is irrelevant for fuzzing.
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine_() % n); }
    std::size_t between(std::size_t low, std::size_t high) { return low + below(high - low + 1); }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <class Container>
    const auto& pick(const Container& items) {
        return items[below(std::size(items))];
    }

private:
    // splitmix64's finaliser: neighbouring seeds and indices start far apart.
    static std::uint64_t mix(std::uint64_t x) {
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    }

    std::mt19937_64 engine_;
};

}  // namespace lab::fuzz
