// Aligned plain-text columns, as `git` and `nix` print tables.
#pragma once

#include <string>
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
std::size_t display_width(const std::string& text);

} // namespace forensic::render
