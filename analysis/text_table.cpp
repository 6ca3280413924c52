#include "analysis/text_table.hpp"

#include <algorithm>

#include "analysis/text_width.hpp"
#include "common/printable.hpp"

namespace lab::analysis {
namespace {

constexpr std::size_t kGap = 2;
constexpr std::size_t kNoteIndent = 4;
// A flexible column narrower than this wraps into a tall thin strip that nobody can read.
constexpr std::size_t kMinFlexWidth = 16;

std::vector<std::size_t> layout(const std::vector<TableColumn>& columns, const std::vector<TableRow>& rows,
                                std::size_t total_width) {
    std::vector<std::size_t> natural(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        natural[c] = display_width(columns[c].header);
        for (const TableRow& row : rows)
            if (c < row.cells.size()) natural[c] = std::max(natural[c], display_width(row.cells[c]));
    }
    std::vector<std::size_t> width(columns.size());
    std::size_t fixed = columns.empty() ? 0 : kGap * (columns.size() - 1);
    std::size_t flexible = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].max_width == 0) {
            ++flexible;
            continue;
        }
        width[c] = std::max<std::size_t>(1, std::min(natural[c], columns[c].max_width));
        fixed += width[c];
    }
    if (flexible > 0) {
        std::size_t left = total_width > fixed ? total_width - fixed : 0;
        std::size_t share = std::max(left / flexible, kMinFlexWidth);
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (columns[c].max_width == 0) width[c] = std::max<std::size_t>(1, std::min(natural[c], share));
    }
    return width;
}

void emit_line(std::string& out, const std::vector<std::string>& parts, const std::vector<std::size_t>& width) {
    std::string line;
    for (std::size_t c = 0; c < parts.size(); ++c) {
        if (c > 0) line.append(kGap, ' ');
        line += pad_right(parts[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
}

}  // namespace

std::string render_text_table(const std::vector<TableColumn>& given_columns, const std::vector<TableRow>& given_rows,
                              std::size_t total_width) {
    // Cells hold names and prose from scenario files and records: no control character reaches the
    // terminal (newlines stay: they are line breaks within a cell). Widths are those of the escaped text.
    std::vector<TableColumn> columns = given_columns;
    for (auto& column : columns) column.header = printable(column.header);
    std::vector<TableRow> rows = given_rows;
    for (auto& row : rows) {
        for (auto& cell : row.cells) cell = printable(cell, LineBreaks::Keep);
        for (auto& note : row.notes) note = printable(note, LineBreaks::Keep);
    }
    std::vector<std::size_t> width = layout(columns, rows, total_width);
    std::string out;

    auto emit_row = [&](const std::vector<std::string>& cells) {
        std::vector<std::vector<std::string>> wrapped(columns.size());
        std::size_t height = 1;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            wrapped[c] = wrap(c < cells.size() ? cells[c] : std::string(), width[c]);
            height = std::max(height, wrapped[c].size());
        }
        for (std::size_t line = 0; line < height; ++line) {
            std::vector<std::string> parts(columns.size());
            for (std::size_t c = 0; c < columns.size(); ++c)
                if (line < wrapped[c].size()) parts[c] = wrapped[c][line];
            emit_line(out, parts, width);
        }
    };

    std::vector<std::string> headers, rules;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        headers.push_back(columns[c].header);
        rules.emplace_back(width[c], '-');
    }
    emit_row(headers);
    emit_line(out, rules, width);
    for (const TableRow& row : rows) {
        emit_row(row.cells);
        // Continuation lines hang two columns further in, so a wrapped note never reads as a second one.
        std::size_t note_width =
            total_width > kNoteIndent + 2 + kMinFlexWidth ? total_width - kNoteIndent - 2 : kMinFlexWidth;
        for (const std::string& note : row.notes) {
            std::vector<std::string> lines = wrap(note, note_width);
            for (std::size_t i = 0; i < lines.size(); ++i)
                out += std::string(kNoteIndent + (i == 0 ? 0 : 2), ' ') + lines[i] + '\n';
        }
    }
    return out;
}

}  // namespace lab::analysis
