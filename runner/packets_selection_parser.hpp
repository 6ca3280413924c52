#pragma once
// The `packets = { link, filter, from, to }` selector of an [[expect]] or [[metric]] (with `host`: the link
// end whose capture is counted). The filter is compiled here with pcap_compile, so a typo in it fails
// `lab validate` at its file:line:column with pcap's own message, not the verdict.
#include <toml++/toml.h>

#include "record/run_record.hpp"
#include "runner/expectation_parser.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

void parse_packets_selection(const toml::table& expectation, record::Selection& selection, TomlReader& reader,
                             const KnownNames& names);

}  // namespace lab::runner
