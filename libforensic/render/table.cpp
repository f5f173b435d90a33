#include "libforensic/render/table.hpp"

#include <algorithm>

namespace forensic::render {

std::size_t display_width(std::string_view text)
{
    // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a code point.
    std::size_t width = 0;
    for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return width;
}

void append_table_row(std::string& out, const std::string& indent, std::span<const std::string_view> cells,
                      std::span<const std::size_t> widths)
{
    auto start = out.size();
    out += indent;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        out += cells[i];
        if (i + 1 < cells.size()) out.append(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    auto end = out.find_last_not_of(' ');
    out.resize(end == std::string::npos || end < start ? start : end + 1);
    out += '\n';
}

std::string Table::str(const std::string& indent) const
{
    std::vector<std::size_t> widths;
    std::size_t bytes = 0;
    auto measure = [&](const std::vector<std::string>& row) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
            bytes += row[i].size();
        }
    };
    measure(header_);
    for (const auto& row : rows_) measure(row);
    std::size_t line_width = indent.size() + 1;
    for (auto w : widths) line_width += w + 2;
    std::string out;
    out.reserve(bytes + (rows_.size() + 1) * line_width);
    // Written in place: a year's diff or timeline is a table of a million cells.
    std::vector<std::string_view> cells;
    auto emit = [&](const std::vector<std::string>& row) {
        cells.assign(row.begin(), row.end());
        append_table_row(out, indent, cells, widths);
    };
    if (!header_.empty()) emit(header_);
    for (const auto& row : rows_) emit(row);
    return out;
}

} // namespace forensic::render
