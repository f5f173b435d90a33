#include "libforensic/bundle/bundle_reader.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"
#include "libforensic/util/json_text.hpp"
#include "libforensic/util/utf8.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace forensic::bundle {
namespace {

constexpr std::size_t piece_size = 1 << 20;

// A piece of the file is not UTF-8.
struct NotUtf8 {};

std::string not_utf8(const std::string& origin)
{
    return origin + ": not UTF-8 text, so not a bundle";
}

// How many bytes at the end of data[0, size) start a sequence the next read
// may complete: they are checked with it, so each piece is checked as the
// whole text would be.
std::size_t incomplete_tail(const char* data, std::size_t size)
{
    for (std::size_t back = 1; back <= 3 && back <= size; ++back) {
        auto c = static_cast<unsigned char>(data[size - back]);
        if ((c & 0xC0) == 0x80) continue; // a continuation byte
        std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return length > back ? back : 0;
    }
    return 0;
}

// A regular file's bytes as nlohmann's lexer asks for them, a piece at a
// time, each piece checked as UTF-8 before the lexer sees it.
class Pieces {
public:
    Pieces(int fd, const std::string& origin) : fd_(fd), origin_(origin), buffer_(piece_size) { next(); }

    // An input iterator; its copies share the position.
    class Iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = char;
        using difference_type = std::ptrdiff_t;
        using pointer = const char*;
        using reference = const char&;

        Iterator() = default;
        explicit Iterator(Pieces* pieces) : pieces_(pieces) {}
        reference operator*() const { return *pieces_->at_; }
        Iterator& operator++()
        {
            if (++pieces_->at_ == pieces_->end_) pieces_->next();
            return *this;
        }
        void operator++(int) { ++*this; }
        bool operator==(const Iterator& other) const { return done() == other.done(); }

    private:
        bool done() const { return !pieces_ || pieces_->at_ == pieces_->end_; }
        Pieces* pieces_ = nullptr;
    };

    Iterator begin() { return Iterator(this); }
    Iterator end() { return Iterator(); }

private:
    // The next piece: what was held back, then what a read adds.
    void next()
    {
        std::memmove(buffer_.data(), buffer_.data() + ready_, held_);
        std::size_t used = held_, ready = 0;
        while (!eof_ && ready == 0) {
            auto got = ::read(fd_, buffer_.data() + used, buffer_.size() - used);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) throw InputError(origin_ + ": cannot be read");
            eof_ = got == 0;
            used += static_cast<std::size_t>(got);
            ready = eof_ ? used : used - incomplete_tail(buffer_.data(), used);
        }
        if (!is_valid_utf8({buffer_.data(), ready})) throw NotUtf8{};
        ready_ = ready;
        held_ = used - ready;
        at_ = buffer_.data();
        end_ = at_ + ready;
    }

    int fd_;
    const std::string& origin_;
    std::vector<char> buffer_;
    std::size_t ready_ = 0, held_ = 0; // the bytes given to the lexer, and those held after them
    const char* at_ = nullptr;
    const char* end_ = nullptr;
    bool eof_ = false;
};

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor()
    {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

} // namespace

ParsedBundle parse_bundle(std::string_view text, const std::string& origin, NonUtf8 bytes)
{
    // The message names the position and never quotes the text (it may not
    // be UTF-8 at all).
    if (bytes == NonUtf8::refuse && !is_valid_utf8(text)) throw InputError(not_utf8(origin));
    BundleEvents events(origin);
    parse_json_events(text, origin, events);
    return events.finish();
}

ParsedBundle read_bundle(const std::filesystem::path& file, NonUtf8 bytes)
{
    auto origin = file.string();
    Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw InputError(origin + ": cannot be read");
    struct stat info {};
    bool regular = ::fstat(fd.get(), &info) == 0 && S_ISREG(info.st_mode);
    if (regular) {
        try {
            Pieces pieces(fd.get(), origin);
            BundleEvents events(origin);
            if (nlohmann::json::sax_parse(pieces.begin(), pieces.end(), &events)) return events.finish();
        } catch (const NotUtf8&) {
            if (bytes == NonUtf8::refuse) throw InputError(not_utf8(origin));
        }
        // The parse stopped short (malformed, too deep, or bytes to escape):
        // the whole text says where, as it always has. Only a file that is
        // not a bundle pays for holding it.
        if (::lseek(fd.get(), 0, SEEK_SET) != 0) throw InputError(origin + ": cannot be read");
    }
    // A pipe cannot be read twice: it is read whole.
    auto size = regular ? static_cast<std::size_t>(info.st_size) : 0;
    auto text = read_fd_bytes(fd.get(), size);
    if (!text) throw InputError(origin + ": cannot be read");
    return parse_bundle(*text, origin, bytes);
}

} // namespace forensic::bundle
