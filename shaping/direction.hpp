#pragma once
// The two directions of a wire: frames entering at end A leave at end B (a2b), and back (b2a).
#include <optional>
#include <string_view>

namespace lab::shaping {

enum class Direction { AtoB, BtoA };

inline constexpr Direction both_directions[] = {Direction::AtoB, Direction::BtoA};

inline std::string_view direction_name(Direction d) { return d == Direction::AtoB ? "a2b" : "b2a"; }

inline std::optional<Direction> direction_from_name(std::string_view name) {
    if (name == "a2b") return Direction::AtoB;
    if (name == "b2a") return Direction::BtoA;
    return std::nullopt;
}

}  // namespace lab::shaping
