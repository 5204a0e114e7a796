#pragma once

#include <string_view>

// The Python programs train runs with `python -c`, from python/src/optml_toolkit/_bootstrap/,
// embedded at build time (scripts/embed_python.cmake): train needs no Python package
// installed to run them, and they stay .py files that tools can read and test.
namespace optml::bootstraps {

// framework_module.py: imports package.module and calls function (sys.argv[1], sys.argv[2]),
// naming a module that cannot be imported instead of printing a bare traceback.
std::string_view framework_module();

// tf_ps_server.py: serves the ps task of TF_CONFIG with tf.distribute.Server until killed.
std::string_view tf_ps_server();

// xgboost_tracker.py: XGBoost's tracker for the XGBoost runner's leader (PORT HOST; the number
// of workers on stdin), announcing the port it listens on.
std::string_view xgboost_tracker();

}  // namespace optml::bootstraps
