"""Frames on a socketpair: round trips, large bodies, and descriptors bound to their frame."""

import array
import os
import socket

import pytest

from conftest import frame_bytes
from optml_toolkit.serving.protocol import Connection, ProtocolError


@pytest.fixture
def pair():
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    left.settimeout(30)
    right.settimeout(30)
    yield left, right
    left.close()
    right.close()


def send_with_fds(sock, data, fds):
    sent = sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    sock.sendall(data[sent:])


def test_frames_round_trip_with_bodies(pair):
    left, right = pair
    sender, receiver = Connection(left), Connection(right)
    sender.send({"type": "invoke", "id": 1}, b"abc")
    sender.send({"type": "exit"})
    first, second = receiver.receive(), receiver.receive()
    assert (first.header, first.body) == ({"type": "invoke", "id": 1}, b"abc")
    assert (second.type, second.body, second.fds) == ("exit", b"", [])


def test_a_large_body_arrives_whole(pair):
    left, right = pair
    body = os.urandom(3 * 1024 * 1024 + 7)
    receiver = Connection(right, accept_fds=True)
    import threading

    thread = threading.Thread(target=Connection(left).send, args=({"type": "x"}, body))
    thread.start()
    frame = receiver.receive()
    thread.join()
    assert frame.body == body


def test_closed_between_frames_is_none_and_inside_one_is_an_error(pair):
    left, right = pair
    left.sendall(frame_bytes({"type": "a"}, b"body")[:-2])
    left.close()
    with pytest.raises(ProtocolError):
        Connection(right).receive()

    other_left, other_right = socket.socketpair()
    other_left.close()
    assert Connection(other_right).receive() is None
    other_right.close()


def test_descriptors_go_to_the_frame_they_came_with(pair, tmp_path):
    left, right = pair
    paths = [tmp_path / f"f{k}" for k in range(3)]
    files = [open(path, "wb") for path in paths]
    try:
        left.sendall(frame_bytes({"type": "exit-not", "n": 1}))
        send_with_fds(left, frame_bytes({"type": "fork", "worker_id": 0}),
                      [f.fileno() for f in files])
        left.sendall(frame_bytes({"type": "after"}))
        receiver = Connection(right, accept_fds=True)
        first, second, third = receiver.receive(), receiver.receive(), receiver.receive()
    finally:
        for f in files:
            f.close()
    assert first.fds == [] and third.fds == []
    assert len(second.fds) == 3
    for fd, path in zip(second.fds, paths):
        assert os.stat(fd).st_ino == path.stat().st_ino
        os.close(fd)
