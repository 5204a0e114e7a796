"""Frames between the serve front end and a Python process (see PROTOCOL.md).

A frame is ``u32 LE header_len | u64 LE body_len | header | body``; the header is a UTF-8 JSON
object with at least ``type`` and the body is raw bytes. File descriptors may ride along with a
frame (SCM_RIGHTS, attached to its first byte). The kernel hands them over with the read that
ends at the end of the sender's message carrying them, so a read that brought descriptors gives
them to the last frame that starts inside the bytes of that read.
"""

import array
import collections
import json
import os
import socket
import struct

PREFIX = struct.Struct("<IQ")
MAX_HEADER_BYTES = 16 * 1024 * 1024
_READ_CHUNK = 256 * 1024
_MAX_FDS_PER_READ = 16
# Small bodies go out in the same write as their header; large ones are not copied to join them.
_JOIN_LIMIT = 64 * 1024
# json.dumps(header, separators=(",", ":")), with the encoder made once instead of per frame.
_HEADER_ENCODER = json.JSONEncoder(separators=(",", ":"))


class ProtocolError(Exception):
    """The peer sent something that is not a frame, or closed the connection inside one."""


class Frame:
    __slots__ = ("header", "body", "fds")

    def __init__(self, header, body, fds=()):
        self.header = header
        self.body = body
        self.fds = list(fds)

    @property
    def type(self):
        return self.header.get("type")


class Connection:
    """One end of the front end's socketpair, read and written in whole frames."""

    def __init__(self, sock, accept_fds=False):
        self._sock = sock
        self._accept_fds = accept_fds
        self._buffer = bytearray()
        # Bytes received so far, so the buffer's first byte is at _received - len(_buffer).
        self._received = 0
        # (first, end) stream positions of a read that brought descriptors, and the descriptors.
        self._received_fds = collections.deque()

    @property
    def sock(self):
        return self._sock

    def send(self, header, body=b""):
        header_bytes = _HEADER_ENCODER.encode(header).encode("utf-8")
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
        start = self._received - len(self._buffer)
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
        body = self._read_body(body_len)
        return Frame(header, body, self._fds_for_frame(start, start + PREFIX.size + header_len
                                                        + body_len))

    def close_unclaimed_fds(self):
        while self._received_fds:
            for fd in self._received_fds.popleft()[2]:
                os.close(fd)

    def _fds_for_frame(self, start, end):
        fds = []
        while self._received_fds and self._received_fds[0][0] <= start:
            first, last, received = self._received_fds[0]
            if last > end:
                break  # a later frame starts inside that read too: the descriptors are its own
            self._received_fds.popleft()
            if first <= start < last:
                fds.extend(received)
            else:
                for fd in received:  # they belonged to no frame: never leak them
                    os.close(fd)
        return fds

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
            data = self._sock.recv(limit)
            self._received += len(data)
            return data
        data, ancillary, _flags, _address = self._sock.recvmsg(
            limit, socket.CMSG_SPACE(_MAX_FDS_PER_READ * array.array("i").itemsize)
        )
        self._received += len(data)
        self._queue_fds(ancillary, len(data))
        return data

    def _recv_into(self, view):
        if not self._accept_fds:
            count = self._sock.recv_into(view)
            self._received += count
            return count
        data = self._recv(len(view))
        view[: len(data)] = data
        return len(data)

    def _queue_fds(self, ancillary, count):
        fds = array.array("i")
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
        if fds:
            self._received_fds.append((self._received - count, self._received, list(fds)))
