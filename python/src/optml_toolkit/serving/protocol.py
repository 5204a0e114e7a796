"""Frames between the serve front end and a Python process (see PROTOCOL.md).

A frame is ``u32 LE header_len | u64 LE body_len | header | body``; the header is a UTF-8 JSON
object with at least ``type`` and the body is raw bytes. File descriptors may ride along with a
frame (SCM_RIGHTS, attached to its first byte); a connection that accepts them queues them in
arrival order, which is enough because only ``fork`` frames carry any.
"""

import array
import collections
import json
import socket
import struct

PREFIX = struct.Struct("<IQ")
MAX_HEADER_BYTES = 16 * 1024 * 1024
_READ_CHUNK = 256 * 1024
_MAX_FDS_PER_READ = 16
# Small bodies go out in the same write as their header; large ones are not copied to join them.
_JOIN_LIMIT = 64 * 1024


class ProtocolError(Exception):
    """The peer sent something that is not a frame, or closed the connection inside one."""


class Frame:
    __slots__ = ("header", "body")

    def __init__(self, header, body):
        self.header = header
        self.body = body

    @property
    def type(self):
        return self.header.get("type")


class Connection:
    """One end of the front end's socketpair, read and written in whole frames."""

    def __init__(self, sock, accept_fds=False):
        self._sock = sock
        self._accept_fds = accept_fds
        self._buffer = bytearray()
        self._received_fds = collections.deque()

    @property
    def sock(self):
        return self._sock

    def send(self, header, body=b""):
        header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
        prefix = PREFIX.pack(len(header_bytes), len(body))
        if len(body) <= _JOIN_LIMIT:
            self._sock.sendall(prefix + header_bytes + bytes(body))
        else:
            self._sock.sendall(prefix + header_bytes)
            self._sock.sendall(body)

    def receive(self):
        """The next frame, or None when the peer closed the connection between frames."""
        if not self._fill(PREFIX.size, at_frame_start=True):
            return None
        header_len, body_len = PREFIX.unpack_from(self._buffer, 0)
        if header_len > MAX_HEADER_BYTES:
            raise ProtocolError(f"frame header of {header_len} bytes is over the limit")
        del self._buffer[: PREFIX.size]
        self._fill(header_len)
        try:
            header = json.loads(bytes(self._buffer[:header_len]).decode("utf-8"))
        except ValueError as error:
            raise ProtocolError(f"frame header is not UTF-8 JSON: {error}") from None
        if not isinstance(header, dict):
            raise ProtocolError("frame header is not a JSON object")
        del self._buffer[:header_len]
        return Frame(header, self._read_body(body_len))

    def take_fds(self, count):
        """The next ``count`` descriptors received with frames (fewer if fewer came)."""
        taken = []
        while self._received_fds and len(taken) < count:
            taken.append(self._received_fds.popleft())
        return taken

    def detach(self):
        """Gives up the socket without closing its descriptor; returns the descriptor."""
        return self._sock.detach()

    def _read_body(self, body_len):
        if body_len <= len(self._buffer):
            body = bytes(self._buffer[:body_len])
            del self._buffer[:body_len]
            return body
        # Large bodies are read straight into their final buffer.
        body = bytearray(body_len)
        have = len(self._buffer)
        body[:have] = self._buffer
        self._buffer.clear()
        view = memoryview(body)
        while have < body_len:
            count = self._recv_into(view[have:])
            if count == 0:
                raise ProtocolError("connection closed inside a frame body")
            have += count
        return bytes(body)

    def _fill(self, count, at_frame_start=False):
        while len(self._buffer) < count:
            data = self._recv()
            if not data:
                if at_frame_start and not self._buffer:
                    return False
                raise ProtocolError("connection closed inside a frame")
            self._buffer += data
        return True

    def _recv(self, limit=_READ_CHUNK):
        if not self._accept_fds:
            return self._sock.recv(limit)
        data, ancillary, _flags, _address = self._sock.recvmsg(
            limit, socket.CMSG_SPACE(_MAX_FDS_PER_READ * array.array("i").itemsize)
        )
        self._queue_fds(ancillary)
        return data

    def _recv_into(self, view):
        if not self._accept_fds:
            return self._sock.recv_into(view)
        data = self._recv(len(view))
        view[: len(data)] = data
        return len(data)

    def _queue_fds(self, ancillary):
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
                self._received_fds.extend(fds)
