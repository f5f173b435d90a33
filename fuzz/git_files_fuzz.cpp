// Git's own files as forensic reads them before (and instead of) libgit2: a
// config file scanned for what it would make libgit2 read, a reflog parsed
// into entries. Any bytes give variables and entries, or a GitError naming
// the file — never a crash or a hang. The first byte picks the reader.
#include "fuzz_input.hpp"

#include "libforensic/git/config_scan.hpp"
#include "libforensic/git/head_reflog.hpp"
#include "libforensic/util/error.hpp"

using namespace forensic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    auto text = fuzz::as_text(data + 1, size - 1);
    try {
        if (data[0] % 2 == 0) {
            for (const auto& variable : git::scan_config(text, "config"))
                if (variable.name.empty()) fuzz::broken("a config variable has a name");
        } else {
            for (const auto& entry : git::parse_reflog(text, "logs/HEAD"))
                if (entry.time % ns_per_second != 0) fuzz::broken("reflog times are whole seconds");
        }
    } catch (const GitError& e) {
        std::string_view what = e.what();
        if (what.find("config") == std::string_view::npos && !what.starts_with("logs/HEAD: "))
            fuzz::broken("a GitError names the file");
    }
    return 0;
}
