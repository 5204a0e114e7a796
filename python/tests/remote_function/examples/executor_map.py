# The seed example, unchanged apart from the import.
from optml_toolkit.remote_function import RemoteExecutor


def square(x):
    return x * x


with RemoteExecutor(max_parallel_jobs=2, instance_type="ml.m5.large") as e:
    futures = [e.submit(square, i) for i in range(4)]
    mapped = list(e.map(square, [4, 5, 6]))

assert [future.result() for future in futures] == [0, 1, 4, 9]
assert mapped == [16, 25, 36], mapped
print("executor ok:", mapped)
