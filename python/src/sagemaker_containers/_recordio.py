"""RecordIO framing: a magic number, the length, the data, padding to 4 bytes."""

import struct

_MAGIC = 0xCED7230A


def _write_recordio(f, data):
    length = len(data)
    f.write(struct.pack("I", _MAGIC))
    f.write(struct.pack("I", length))
    f.write(data)
    f.write(b"\x00" * ((4 - length % 4) % 4))


def _read_recordio(f):
    while True:
        header = f.read(4)
        if len(header) < 4:
            return
        (magic,) = struct.unpack("I", header)
        if magic != _MAGIC:
            raise ValueError("not a RecordIO record")
        (length,) = struct.unpack("I", f.read(4))
        data = f.read(length)
        f.read((4 - length % 4) % 4)
        yield data
