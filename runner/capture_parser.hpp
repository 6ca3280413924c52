#pragma once
// The capture settings of a scenario: `capture = true | { snaplen, max_size }` on a [[links]] entry, and
// `capture = { link, action = "start" | "stop" }` steps. Checked like the rest of the file: every problem
// at its file:line:column.
#include <optional>

#include <toml++/toml.h>

#include "runner/scenario.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

// nullopt for `capture = false` (or a value reported as wrong).
std::optional<CaptureSpec> parse_link_capture(const toml::node& value, TomlReader& reader);

// Fills step.link and step.capture_on from a step's `capture` value.
void parse_capture_step(const toml::node& value, Step& step, TomlReader& reader);

// Once steps are in time order: a link named by a capture step gets a capture if it had none, and runs
// from the start unless its first capture step starts it; a step that starts a running capture, or stops
// a stopped one, is an error at the step.
void resolve_capture_steps(Scenario& scenario, TomlReader& reader);

}  // namespace lab::runner
