#include <catch2/catch.hpp>

#include "toolkit/http/response_head.hpp"

using namespace optml::http;

TEST_CASE("a response head has the standard reason, the length and the date") {
    ResponseHead head;
    head.status = 200;
    head.content_type = "application/json";
    head.content_length = 7;
    std::string out;
    render_head(head, "Date: X\r\n", out);
    CHECK(out ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
          "Date: X\r\n\r\n");
}

TEST_CASE("a status outside 100..599 is sent as 500, an unknown one with a plain reason") {
    std::string out;
    ResponseHead head;
    head.status = 42;
    render_head(head, "", out);
    CHECK(out.starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    head.status = 597;
    render_head(head, "", out);
    CHECK(out.starts_with("HTTP/1.1 597 "));
    CHECK(out.find('<') == std::string::npos);
    CHECK(out.find("Content-Type") == std::string::npos);
}

TEST_CASE("close, HTTP/1.0 keep-alive, Allow and extra fields") {
    std::string out;
    ResponseHead head;
    head.status = 405;
    head.allow = "POST";
    head.close = true;
    head.extra_fields = "X-Trace: 1\r\n";
    render_head(head, "", out);
    CHECK(out ==
          "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nAllow: POST\r\n"
          "X-Trace: 1\r\nConnection: close\r\n\r\n");
    head = ResponseHead{};
    head.http10_keep_alive = true;
    render_head(head, "", out);
    CHECK(out.find("Connection: keep-alive\r\n") != std::string::npos);
}

TEST_CASE("field values with CR, LF or NUL are unsafe") {
    CHECK(is_safe_field_value("text/csv; charset=utf-8"));
    CHECK_FALSE(is_safe_field_value("text/csv\r\nX-Evil: 1"));
    CHECK_FALSE(is_safe_field_value(std::string_view("a\0b", 3)));
}

TEST_CASE("the date field is an IMF-fixdate line") {
    const std::string field = current_date_field();
    CHECK(field.starts_with("Date: "));
    CHECK(field.ends_with(" GMT\r\n"));
    CHECK(field.size() == std::string("Date: Wed, 25 Nov 2026 16:44:01 GMT\r\n").size());
}
