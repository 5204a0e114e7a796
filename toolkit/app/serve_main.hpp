#pragma once

namespace optml::app {

// `serve`: the SageMaker inference front end (see README.md, "serve").
int serve_main(int argc, char** argv);

}  // namespace optml::app
