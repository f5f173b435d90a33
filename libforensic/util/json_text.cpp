#include "libforensic/util/json_text.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"

#include <cerrno>
#include <cstring>

namespace forensic {

std::string read_text_file(const std::filesystem::path& real_path, const std::string& shown)
{
    auto bytes = read_file_bytes(real_path);
    if (!bytes) throw InputError(shown + ": cannot be read: " + std::strerror(errno));
    return std::move(*bytes);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& origin,
                               const nlohmann::json::parser_callback_t& callback)
{
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes from 1 and points at the last byte it read.
        auto end = std::min<std::size_t>(e.byte, text.size());
        std::size_t line = 1, column = 0;
        for (std::size_t i = 0; i < end; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 0;
            } else {
                ++column;
            }
        }
        throw InputError(origin + ": malformed JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(std::max<std::size_t>(column, 1)) + " (byte " + std::to_string(e.byte) +
                         ")");
    }
}

std::string json_value_text(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace forensic
