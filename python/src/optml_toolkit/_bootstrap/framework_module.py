# train runs this with `python -c` for SAGEMAKER_TRAINING_MODULE=package.module:function:
# a module that cannot be imported is reported by name instead of as a bare traceback.
import importlib, sys
module_name, function_name = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
# Logging at the job's level before the framework runs, as the reference configures it before
# it calls the function: the framework's log lines would vanish otherwise.
try:
    from optml_toolkit.compat import framework_process
except ImportError:
    framework_process = None
if framework_process is not None:
    framework_process.prepare()
try:
    module = importlib.import_module(module_name)
except ModuleNotFoundError as error:
    if error.name and (module_name == error.name or module_name.startswith(error.name + ".")):
        sys.stderr.write("ImportModuleError: cannot import the framework module %r named by "
                         "SAGEMAKER_TRAINING_MODULE: %s\n" % (module_name, error))
        sys.exit(2)
    raise
function = getattr(module, function_name, None)
if not callable(function):
    sys.stderr.write("ImportModuleError: the framework module %r has no function %r "
                     "(SAGEMAKER_TRAINING_MODULE)\n" % (module_name, function_name))
    sys.exit(2)
function()
