// Credentials in URLs (user-info and query strings), secret-named names and
// NAME=value secrets, and --root prefixes are taken out of stored text.
#include "libforensic/util/host_text.hpp"
#include "libforensic/util/secrets.hpp"
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

TEST_CASE("secret-named query parameters lose their values in every URL of a text; the rest stays")
{
    CHECK(strip_url_credentials("https://gitlab.example.org/x.git?access_token=glpat-abc") ==
          "https://gitlab.example.org/x.git?access_token=***");
    CHECK(strip_url_credentials("https://h/x?ref=main&private_token=t1&page=2#frag") ==
          "https://h/x?ref=main&private_token=***&page=2#frag");
    CHECK(strip_url_credentials("see https://u:p@h/x?token=a and https://h/y?key=AIza123 now") ==
          "see https://h/x?token=*** and https://h/y?key=*** now");
    CHECK(strip_url_credentials("s3://b/o?X-Amz-Credential=AKIA%2F&X-Amz-Signature=ff00&X-Amz-Expires=60") ==
          "s3://b/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60");
    CHECK(strip_url_credentials("https://h/search?q=token&sort=asc") == "https://h/search?q=token&sort=asc");
    CHECK(strip_url_credentials("branch 'x' of https://h/d.git?sig=abc\n") == "branch 'x' of https://h/d.git?sig=***\n");
    // The error libgit2 gives for such a URL loses the token wherever it quotes it.
    CHECK(scrub_credentials("cannot reach https://h/x?access_token=tok%2Bx (tok+x rejected)",
                            "https://h/x?access_token=tok%2Bx") == "cannot reach https://h/x?access_token=*** (*** rejected)");
}

TEST_CASE("names that say secret, as labels, env variables, fields and parameters write them")
{
    for (const auto* name : {"DB_PASSWORD", "SECRET_KEY_BASE", "POSTGRES_PASSWORD_FILE", "com.example.apiToken",
                             "access_token", "client_secret", "x-amz-security-token", "api_key", "API-KEY",
                             "traefik.http.middlewares.admin.basicauth.users", "dbpassword", "GITHUB_TOKEN",
                             "ssh.private_key", "key", "Authorization", "sig", "npm_authToken", "credentials.json"})
        CHECK_MESSAGE(is_secret_name(name), name);
    for (const auto* name : {"coop-cloud.discourse.chaos-version", "coop-cloud.discourse.version",
                             "coop-cloud.discourse.chaos", "com.docker.stack.namespace", "com.docker.stack.image",
                             "org.opencontainers.image.authors", "traefik.http.routers.x.rule", "backup.url", "notes",
                             "attempt", "ref", "keycloak", "monkey", "passhostheader", "bypass", "keys", "primary.key.id"})
        CHECK_FALSE_MESSAGE(is_secret_name(name), name);
}

TEST_CASE("NAME=value secrets lose their values wherever a text writes them")
{
    CHECK(scrub_secret_assignments("PGPASSWORD=hunter2 pg_dump -h db") == "PGPASSWORD=*** pg_dump -h db");
    CHECK(scrub_secret_assignments("env DB_PASSWORD='x y' API_TOKEN=\"z\";") ==
          "env DB_PASSWORD='***' API_TOKEN=\"***\";");
    CHECK(scrub_secret_assignments("SECRET='unclosed") == "SECRET='***");
    CHECK(scrub_secret_assignments("a=1,token=abc,b=2") == "a=1,token=***,b=2");
    CHECK(scrub_secret_assignments("no assignment here") == "no assignment here");
    CHECK(scrub_secret_assignments("level=5 ref=main") == "level=5 ref=main");
    CHECK(scrub_secret_assignments("token=") == "token=");
    CHECK(scrub_secret_assignments("token=***") == "token=***");
}

TEST_CASE("messages quoting paths on this machine show host paths")
{
    HostRoot root("/tmp/fixture-root");
    CHECK(as_host_text(root, "cannot open /tmp/fixture-root/home/ci/.abra: gone") == "cannot open /home/ci/.abra: gone");
    CHECK(as_host_text(root, "/tmp/fixture-root") == "/");
    CHECK(as_host_text(root, "/tmp/fixture-rootless/x") == "/tmp/fixture-rootless/x");
    CHECK(as_host_text(HostRoot("/"), "/home/ci") == "/home/ci");
}
