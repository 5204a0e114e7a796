"""The RecordIO-protobuf `Record` message. It needs protobuf, which serving brings; without
it the name still imports (training imports it at start-up) and fails only when used."""

try:  # pragma: no cover - depends on the image
    from google.protobuf import descriptor_pb2 as _descriptor_pb2  # noqa: F401
    _HAVE_PROTOBUF = True
except ImportError:
    _HAVE_PROTOBUF = False


class Record:
    """Placeholder until optml's serve provides RecordIO-protobuf."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            "RecordIO-protobuf records come with optml's serve; this training image has none")
