// Tag objects are read from the object database and their header parsed
// here, not by libgit2 (see libforensic/git/tag_object.hpp).
#include "libforensic/git/tag_object.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>

using namespace forensic;

TEST_CASE("a tag object's header is parsed as git writes it")
{
    auto tag = git::parse_tag_object("object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag 0.7.0+3.3.1\n"
                                     "tagger CI <ci@example.org> 1780293600 +0200\n\nrelease 0.7.0\n",
                                     "refs/tags/x");
    CHECK(git::to_hex(tag.target) == "0123456789abcdef0123456789abcdef01234567");
    CHECK(tag.target_type == GIT_OBJECT_COMMIT);
    CHECK(tag.name == "0.7.0+3.3.1");
    CHECK(tag.tagger_time == 1780293600);
    // No tagger line (old tags): no date, as git's 0.
    auto old = git::parse_tag_object("object 0123456789abcdef0123456789abcdef01234567\ntype tag\ntag t\n\nmsg", "t");
    CHECK(old.target_type == GIT_OBJECT_TAG);
    CHECK_FALSE(old.tagger_time);
    CHECK_THROWS_WITH_AS(git::parse_tag_object("type commit\ntag t\n", "refs/tags/t"),
                         doctest::Contains("refs/tags/t: malformed tag object"), GitError);
    CHECK_THROWS_AS(git::parse_tag_object("object 0123\ntype commit\n", "t"), GitError);
    CHECK_THROWS_AS(git::parse_tag_object("object 0123456789abcdef0123456789abcdef01234567\ntype blah\n", "t"), GitError);
}
