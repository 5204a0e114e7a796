#include <catch2/catch.hpp>

#include "toolkit/remote/metadata.hpp"

using namespace optml::remote;

TEST_CASE("metadata of the hashed generations is read as the SDK's _MetaData.from_json") {
    const auto reading = read_metadata(
        R"({"sha256_hash": "ab12", "version": "2023-04-24", "python_version": "3.11.2", )"
        R"("serialization_module": "cloudpickle", "asymmetric_signature": "c2ln"})",
        true);
    REQUIRE(reading.metadata);
    CHECK(reading.metadata->sha256_hash == "ab12");
    CHECK(reading.metadata->asymmetric_signature == "c2ln");
}

TEST_CASE("a missing or empty hash is refused with the SDK's message when one is required") {
    for (
        const char* text :
        {R"({"version": "2023-04-24", "serialization_module": "cloudpickle"})",
         R"({"sha256_hash": "", "version": "2023-04-24", "serialization_module": "cloudpickle"})",
         R"({"sha256_hash": null, "version": "2023-04-24", "serialization_module": "cloudpickle"})"}) {
        const auto reading = read_metadata(text, true);
        CHECK_FALSE(reading.metadata);
        CHECK(reading.error ==
              "Corrupt metadata file. SHA256 hash for the serialized data does not exist. Please "
              "make sure to install SageMaker SDK version >= 2.156.0 on the client side and try "
              "again.");
        // The unhashed generation reads the same file without a hash.
        const auto unhashed = read_metadata(text, false);
        REQUIRE(unhashed.metadata);
        CHECK_FALSE(unhashed.metadata->sha256_hash);
    }
}

TEST_CASE("invalid JSON and an unknown serialization approach have the SDK's messages") {
    CHECK(read_metadata("{not json", false).error ==
          "Corrupt metadata file. It is not a valid json file.");
    CHECK(read_metadata("[1, 2]", false).error ==
          "Corrupt metadata file. It is not a valid json file.");
    const auto reading = read_metadata(
        R"({"sha256_hash": "x", "version": "2024", "serialization_module": "dill"})", true);
    CHECK(reading.error ==
          "Corrupt metadata file. Serialization approach b'{\"sha256_hash\": \"x\", \"version\": "
          "\"2024\", \"serialization_module\": \"dill\"}' is not supported.");
}

TEST_CASE("metadata.json is written as json.dumps of the SDK's fields in their order") {
    CHECK(metadata_json(std::string("ab"), "3.11.2") ==
          R"({"sha256_hash": "ab", "version": "2023-04-24", "python_version": "3.11.2", )"
          R"("serialization_module": "cloudpickle"})");
    CHECK(metadata_json(std::nullopt, "3.10.1") ==
          R"({"version": "2023-04-24", "python_version": "3.10.1", "serialization_module": )"
          R"("cloudpickle"})");
    CHECK(
        metadata_json(std::string("ab"), "3.11.2", std::string("sig"))
            .ends_with(R"("serialization_module": "cloudpickle", "asymmetric_signature": "sig"})"));
}

TEST_CASE("bytes are quoted as Python's repr of bytes") {
    CHECK(python_bytes_repr("abc") == "b'abc'");
    CHECK(python_bytes_repr("it's") == "b\"it's\"");
    CHECK(python_bytes_repr("'\"") == "b'\\'\"'");
    CHECK(python_bytes_repr(std::string("\n\t\x01\xff\\", 5)) == "b'\\n\\t\\x01\\xff\\\\'");
}
