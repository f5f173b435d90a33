// Aligned plain-text columns, as `git` and `nix` print tables.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::render {

class Table {
public:
    explicit Table(std::vector<std::string> header = {}) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    // Columns separated by two spaces, the last one not padded; `indent` before each line.
    std::string str(const std::string& indent = "") const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text (code points; good enough for our labels).
std::size_t display_width(std::string_view text);

// One line of a table onto `out`: `indent`, then the cells, each but the last
// padded to its column's width and two spaces; trailing spaces trimmed. For a
// renderer that writes rows of a million cells without a Table's copies.
void append_table_row(std::string& out, const std::string& indent, std::span<const std::string_view> cells,
                      std::span<const std::size_t> widths);

} // namespace forensic::render
