#pragma once
// Plain-text tables with aligned columns for terminals. Cells wrap within their column instead of being
// cut, so nothing a verdict says is lost; notes beneath a row span the whole width (origin and detail
// of a failure are longer than any column could be).
#include <cstddef>
#include <string>
#include <vector>

namespace lab::analysis {

struct TableColumn {
    std::string header;
    std::size_t max_width = 0;  // 0: this column takes whatever width the others leave
};

struct TableRow {
    std::vector<std::string> cells;  // one per column; missing cells are empty
    std::vector<std::string> notes;  // printed indented beneath the row
};

inline constexpr std::size_t kTerminalWidth = 120;

// What a cell shows for a value that is not there.
inline constexpr const char* kNoneCell = "—";
inline std::string or_none(const std::string& s) { return s.empty() ? kNoneCell : s; }

std::string render_text_table(const std::vector<TableColumn>& columns, const std::vector<TableRow>& rows,
                              std::size_t total_width = kTerminalWidth);

}  // namespace lab::analysis
