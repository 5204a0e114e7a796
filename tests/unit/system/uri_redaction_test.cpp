#include <catch2/catch.hpp>

#include "toolkit/system/uri_redaction.hpp"

using optml::system::redact_uri;

TEST_CASE("redact_uri hides the query string and fragment, keeping the resource") {
    CHECK(redact_uri("s3://bucket/key.tar.gz?X-Amz-Security-Token=FwoG&X-Amz-Signature=abc") ==
          "s3://bucket/key.tar.gz?***");
    CHECK(redact_uri("https://host:8443/a/b?token=x#frag") == "https://host:8443/a/b?***");
    CHECK(redact_uri("http://host?q=1") == "http://host?***");
    CHECK(redact_uri("http://host#secret") == "http://host#***");
    CHECK(redact_uri("s3://bucket/prefix/?") == "s3://bucket/prefix/?***");
}

TEST_CASE("redact_uri hides userinfo, up to the last @ of the authority") {
    CHECK(redact_uri("http://AKIDEXAMPLE:wJalrXUtnFEMI@127.0.0.1:9000/base") ==
          "http://***@127.0.0.1:9000/base");
    CHECK(redact_uri("http://user:p@ss@host") == "http://***@host");
    CHECK(redact_uri("http://token@169.254.170.2/v2/credentials?id=1") ==
          "http://***@169.254.170.2/v2/credentials?***");
    CHECK(redact_uri("s3://bucket/key@v2.tar.gz") == "s3://bucket/key@v2.tar.gz");
}

TEST_CASE("redact_uri leaves plain URIs and non-URIs alone") {
    CHECK(redact_uri("s3://bucket/key.tar.gz") == "s3://bucket/key.tar.gz");
    CHECK(redact_uri("https://example.com") == "https://example.com");
    CHECK(redact_uri("/opt/ml/code/what?.py") == "/opt/ml/code/what?.py");
    CHECK(redact_uri("file.tar.gz") == "file.tar.gz");
    CHECK(redact_uri("") == "");
    CHECK(redact_uri("not a uri: x://y") == "not a uri: x://y");
}
