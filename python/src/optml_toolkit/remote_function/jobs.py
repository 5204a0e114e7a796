"""A started job, whichever backend runs it: status, wait, stop, failure reason, callbacks.

Each job has one monitor thread that learns when it ends (a process exit or a poll of
DescribeTrainingJob) and then sets an event and runs the done callbacks, so waiting never
sleeps on a guess.
"""

import threading

TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")


class Job:
    def __init__(self, job_name, s3_base_uri, storage):
        self.job_name = job_name
        self.s3_base_uri = s3_base_uri
        self.storage = storage
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self._status = "InProgress"
        self._failure_reason = None
        self._callbacks = []

    # Backends call this once, from their monitor thread.
    def _end(self, status, failure_reason=None):
        with self._lock:
            self._status = status
            self._failure_reason = failure_reason
            callbacks, self._callbacks = self._callbacks, []
        self._ended.set()
        for callback in callbacks:
            callback(self)

    def add_done_callback(self, callback):
        with self._lock:
            if not self._ended.is_set():
                self._callbacks.append(callback)
                return
        callback(self)

    def status(self):
        with self._lock:
            return self._status

    def failure_reason(self):
        with self._lock:
            return self._failure_reason

    def done(self):
        return self._ended.is_set()

    def wait(self, timeout=None):
        """True once the job ended, False when timeout passed first."""
        return self._ended.wait(timeout)

    def stop(self):
        raise NotImplementedError
