// Credentials in URLs and --root prefixes are taken out of stored text.
#include "libforensic/util/host_text.hpp"
#include "libforensic/util/url_credentials.hpp"

#include <doctest/doctest.h>

using namespace forensic;

TEST_CASE("user-info is removed from every scheme://user:password@host URL in a text")
{
    CHECK(strip_url_credentials("https://ci:s3cret@git.example.org/r.git") == "https://git.example.org/r.git");
    CHECK(strip_url_credentials("https://ghp_token@github.com/x") == "https://github.com/x");
    CHECK(strip_url_credentials("a\tbranch 'main' of https://u:p@h/x\nb of ssh://git@h:22/y") ==
          "a\tbranch 'main' of https://h/x\nb of ssh://h:22/y");
    CHECK(strip_url_credentials("https://u:p%40ss@h/a@b") == "https://h/a@b");
    // Nothing to remove.
    CHECK(strip_url_credentials("git@codeberg.org:coop-cloud/x.git") == "git@codeberg.org:coop-cloud/x.git");
    CHECK(strip_url_credentials("/srv/mirrors/x.git") == "/srv/mirrors/x.git");
    CHECK(strip_url_credentials("mail me@example.org about ://odd") == "mail me@example.org about ://odd");
}

TEST_CASE("an error message loses every form of the URL's credentials")
{
    auto url = "https://bot:p%40ss@h/x.git";
    CHECK(scrub_credentials("auth failed for bot with p@ss at https://bot:p%40ss@h/x.git", url) ==
          "auth failed for bot with *** at https://h/x.git");
    // A token alone in the user part is the secret.
    CHECK(scrub_credentials("token ghp_abc rejected", "https://ghp_abc@h/x") == "token *** rejected");
    CHECK(scrub_credentials("no credentials here", "/srv/x.git") == "no credentials here");
}

TEST_CASE("messages quoting paths on this machine show host paths")
{
    HostRoot root("/tmp/fixture-root");
    CHECK(as_host_text(root, "cannot open /tmp/fixture-root/home/ci/.abra: gone") == "cannot open /home/ci/.abra: gone");
    CHECK(as_host_text(root, "/tmp/fixture-root") == "/");
    CHECK(as_host_text(root, "/tmp/fixture-rootless/x") == "/tmp/fixture-rootless/x");
    CHECK(as_host_text(HostRoot("/"), "/home/ci") == "/home/ci");
}
