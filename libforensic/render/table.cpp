#include "libforensic/render/table.hpp"

#include <algorithm>

namespace forensic::render {

std::size_t display_width(const std::string& text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
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
    auto emit = [&](const std::vector<std::string>& row) {
        out += indent;
        for (std::size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            if (i + 1 < row.size()) out.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
        auto end = out.find_last_not_of(' ');
        out.resize(end == std::string::npos ? 0 : end + 1);
        out += '\n';
    };
    if (!header_.empty()) emit(header_);
    for (const auto& row : rows_) emit(row);
    return out;
}

} // namespace forensic::render
