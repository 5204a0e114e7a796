"""Dictionaries as program arguments and SM_* variables, byte for byte as the reference
toolkit writes them (optml's train writes the same bytes in C++)."""

import collections
import collections.abc
import itertools
import json

SplitResultSpec = collections.namedtuple("SplitResultSpec", "included excluded")


def _text(value):
    """str() of a value, with bytes read as latin-1 and None as the empty string."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin1")
    return str(value)


def _json_text(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def to_env_vars(mapping):
    """{"key": value} -> {"SM_KEY": text}: strings as they are, None as "", anything else
    as compact, key-sorted, ASCII-only JSON. A later key that upper-cases to the same name
    replaces the earlier one."""

    def name(key):
        return "SM_%s" % str(key).upper() if key else ""

    def value_text(value):
        if isinstance(value, bytes):
            return value.decode("latin1")
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return _json_text(value)

    return {name(key): value_text(value) for key, value in mapping.items()}


def to_cmd_args(mapping):
    """Sorted keys as "-k" (one character) or "--key", each followed by str(value);
    a dict value becomes "k=v,k2=v2" sorted by key."""
    keys = sorted(mapping.keys())

    def argument_name(key):
        text = _text(key)
        if not text:
            return ""
        return ("--%s" if len(text) > 1 else "-%s") % text

    def argument_value(value):
        if hasattr(value, "items"):
            return ",".join("%s=%s" % (k, v) for k, v in sorted(value.items()))
        return _text(value)

    pairs = ((argument_name(key), argument_value(mapping[key])) for key in keys)
    return list(itertools.chain.from_iterable(pairs))


def split_by_criteria(dictionary, keys=None, prefix=None):
    """Split a dict into the items whose key is in `keys` or starts with `prefix`
    (included) and the rest (excluded), keeping the dict's order in both."""
    keys = set(keys or [])
    included = {k: v for k, v in dictionary.items()
                if k in keys or (prefix and k.startswith(prefix))}
    excluded = {k: v for k, v in dictionary.items() if k not in included}
    return SplitResultSpec(included=included, excluded=excluded)


class MappingMixin(collections.abc.Mapping):
    """A read-only mapping over the public properties of the class."""

    def properties(self):
        cls = type(self)
        return [name for name in dir(cls) if self._is_property(name)]

    def _is_property(self, name):
        return isinstance(getattr(type(self), name, None), property)

    def __getitem__(self, key):
        if not self._is_property(key):
            raise KeyError("Trying to access non property %s" % key)
        return getattr(self, key)

    def __len__(self):
        return len(self.properties())

    def __iter__(self):
        return iter({name: getattr(self, name) for name in self.properties()})

    def __str__(self):
        return str(dict(self))
