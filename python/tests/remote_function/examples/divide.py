# The seed example, unchanged apart from the import.
from optml_toolkit.remote_function import remote


@remote(instance_type="ml.m5.large")
def divide(x, y):
    return x / y


try:
    divide(10, 0)
    raise SystemExit("divide(10, 0) returned")
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
    import traceback

    traceback.print_exc()
