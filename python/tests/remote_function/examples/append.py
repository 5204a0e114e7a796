# The seed example, unchanged apart from the import.
from optml_toolkit.remote_function import remote


@remote(instance_type="ml.m5.large")
def append_one(x):
    x.append(1)
    return x


a = []
returned = append_one(a)
assert a == [], a
assert returned == [1], returned
print("append ok:", a, returned)
