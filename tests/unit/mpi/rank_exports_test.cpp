#include <catch2/catch.hpp>

#include "toolkit/mpi/rank_exports.hpp"

using namespace optml::mpi;
using Words = std::vector<std::string>;

TEST_CASE("ranks get the job's variables by name, credentials first, and nothing else") {
    const Words environment = {"PATH=/usr/bin",        "SM_HOSTS=[]",   "UNRELATED=1",
                               "AWS_REGION=eu-west-1", "PYTHONPATH=/x", "SAGEMAKER_JOB_NAME=j"};
    CHECK(rank_variable_names(environment) ==
          Words{"AWS_REGION", "SM_HOSTS", "PYTHONPATH", "SAGEMAKER_JOB_NAME"});
}

TEST_CASE("a remote function's ranks get where their host's payloads are") {
    const Words environment = {"OPTML_REMOTE_HANDOFF=/opt/ml/remote-function",
                               "OPTML_REMOTE_FUNCTION_URI=s3://b/j/function/payload.pkl",
                               "OPTML_PYTHON=/usr/bin/python3"};
    CHECK(rank_variable_names(environment) ==
          Words{"OPTML_REMOTE_HANDOFF", "OPTML_REMOTE_FUNCTION_URI"});
}
