#include <catch2/catch.hpp>
#include <string>

#include "toolkit/app/entry_point_spec.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

namespace {

// A valid spec as the Python side writes it; `replace` swaps one key's JSON text.
std::string spec_text(const std::string& key = "", const std::string& value = "") {
    std::string text = "{";
    auto add = [&](const std::string& name, const std::string& json) {
        if (name == key && value.empty()) return;  // drop the key
        if (text.size() > 1) text += ", ";
        text += "\"" + name + "\": " + (name == key ? value : json);
    };
    add("version", "1");
    add("uri", "null");
    add("code_dir", "\"/opt/ml/code\"");
    add("entry_point", "\"train.py\"");
    add("module", "null");
    add("args", "[\"--lr\", \"0.1\"]");
    add("environment", "{\"PATH\": \"/usr/bin\", \"SM_HPS\": \"{}\"}");
    add("runner", "\"Process\"");
    add("extra_opts", "{}");
    add("capture_error", "true");
    add("result_file", "\"/tmp/optml-run-x/result.json\"");
    return text + "}";
}

app::EntryPointSpec parse(const std::string& text) {
    return app::parse_entry_point_spec(pyjson::loads(text).as_dict(), "/tmp/spec.json");
}

// The error's sentence for a spec with `key` set to `value` (empty: left out).
std::string problem(const std::string& key, const std::string& value) {
    try {
        parse(spec_text(key, value));
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    FAIL("the spec was accepted");
    return "";
}

}  // namespace

TEST_CASE("a valid spec is read whole") {
    const app::EntryPointSpec spec = parse(spec_text());
    CHECK_FALSE(spec.uri.has_value());
    CHECK(spec.code_dir == "/opt/ml/code");
    CHECK(spec.entry_point == "train.py");
    CHECK_FALSE(spec.module.has_value());
    CHECK(spec.arguments == std::vector<std::string>{"--lr", "0.1"});
    CHECK(spec.environment.get("SM_HPS") == "{}");
    CHECK(spec.runner == app::SpecRunner::Process);
    CHECK(spec.capture_error);
    CHECK(spec.result_file == "/tmp/optml-run-x/result.json");
}

TEST_CASE("every runner type name is read") {
    CHECK(parse(spec_text("runner", "\"MPI\"")).runner == app::SpecRunner::Mpi);
    CHECK(parse(spec_text("runner", "\"SMDataParallel\"")).runner ==
          app::SpecRunner::SmDataParallel);
    CHECK(parse(spec_text("runner", "\"PyTorchXLA\"")).runner == app::SpecRunner::PyTorchXla);
    CHECK(parse(spec_text("runner", "\"TorchDistributed\"")).runner ==
          app::SpecRunner::TorchDistributed);
}

TEST_CASE("a module instead of an entry point") {
    std::string text = spec_text("entry_point", "null");
    text.replace(text.find("\"module\": null"), 14, "\"module\": \"train\"");
    const app::EntryPointSpec spec = parse(text);
    CHECK(spec.module == "train");
    CHECK_FALSE(spec.entry_point.has_value());
}

TEST_CASE("extra_opts may be null") {
    CHECK(parse(spec_text("extra_opts", "null")).extra_opts.empty());
}

TEST_CASE("bad specs are refused with a sentence naming the file and the key") {
    struct Case {
        std::string key, value, expected;
    };
    const Case cases[] = {
        {"version", "", "key 'version' is missing"},
        {"version", "2", "key 'version' names a spec version this train does not read"},
        {"version", "\"1\"", "key 'version' must be an integer, not str"},
        {"code_dir", "", "key 'code_dir' is missing"},
        {"code_dir", "\"relative\"", "key 'code_dir' must be an absolute path"},
        {"code_dir", "3", "key 'code_dir' must be a string, not int"},
        {"entry_point", "null", "key 'entry_point' must be null when the other"},
        {"entry_point", "\"\"", "key 'entry_point' must not be empty"},
        {"module", "\"pkg\"", "key 'module' must be null when the other"},
        {"args", "\"--lr 0.1\"", "key 'args' must be a list of strings, not str"},
        {"args", "[\"--lr\", 1]", "key 'args' must be a list of strings, but item 1 is a int"},
        {"environment", "[]", "key 'environment' must be an object of strings, not list"},
        {"environment", "{\"A=B\": \"x\"}", "key 'environment' holds a variable name"},
        {"environment", "{\"SECRET\": 5}", "the variable SECRET is a int"},
        {"runner", "\"Magic\"", "key 'runner' names no runner train knows"},
        {"runner", "", "key 'runner' is missing"},
        {"extra_opts", "[1]", "key 'extra_opts' must be an object, not list"},
        {"capture_error", "1", "key 'capture_error' must be true or false, not int"},
        {"result_file", "", "key 'result_file' is missing"},
        {"result_file", "\"result.json\"", "key 'result_file' must be an absolute path"},
        {"uri", "[]", "key 'uri' must be a string or null, not list"},
    };
    for (const Case& c : cases) {
        INFO(c.key << " = " << c.value);
        const std::string message = problem(c.key, c.value);
        CHECK(message.find("The run-entry-point spec /tmp/spec.json: ") == 0);
        CHECK(message.find(c.expected) != std::string::npos);
    }
}

TEST_CASE("no value of the environment appears in an error") {
    const std::string message =
        problem("environment", "{\"TOKEN\": \"s3cr3t\", \"N\": [\"s3cr3t\"]}");
    CHECK(message.find("s3cr3t") == std::string::npos);
    CHECK(message.find("the variable N") != std::string::npos);
}

TEST_CASE("a spec file that does not exist is named") {
    try {
        app::read_entry_point_spec("/nonexistent/optml-spec.json");
        FAIL("accepted");
    } catch (const errors::Error& error) {
        CHECK(std::string(error.what()).find("/nonexistent/optml-spec.json does not exist") !=
              std::string::npos);
    }
}
