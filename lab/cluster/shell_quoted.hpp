#pragma once
// A word for a POSIX shell script, quoted only when it needs to be: `/srv/lab/x.toml` stays as it is,
// `my sweep's dir` becomes 'my sweep'\''s dir'. The scripts lab writes stay readable and safe to run.
#include <string>
#include <string_view>

namespace lab::cluster {

std::string shell_quoted(std::string_view word);

}  // namespace lab::cluster
