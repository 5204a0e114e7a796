"""The ``context`` a handler may take as its last argument.

It has the shape of the model server's Context that the reference passes: ``system_properties``
(model_dir, gpu_id, batch_size, server_name, server_version), ``request_processor[0]`` with the
request's headers, ``get_request_header(0, name)``, ``get_all_request_header(0)``,
``set_response_status`` and ``set_response_content_type``. Header names match in any case.
"""

import optml_toolkit


class Headers(dict):
    """Request headers under lower-case names that any spelling of the name finds."""

    def __init__(self, headers=None):
        super().__init__()
        for name, value in (headers or {}).items():
            super().__setitem__(str(name).lower(), value)

    def __getitem__(self, name):
        return super().__getitem__(name.lower())

    def __setitem__(self, name, value):
        super().__setitem__(name.lower(), value)

    def __contains__(self, name):
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name, default=None):
        return super().get(name.lower(), default) if isinstance(name, str) else default


class RequestProcessor:
    """One request's headers in, and the status and headers the handler sets for its response."""

    def __init__(self, request_header):
        self._status_code = 200
        self._reason_phrase = None
        self._response_header = {}
        self._request_header = Headers(request_header)

    def get_request_property(self, key):
        return self._request_header.get(key)

    def get_request_properties(self):
        return self._request_header

    def report_status(self, code, reason_phrase=None):
        self._status_code = code
        self._reason_phrase = reason_phrase

    def get_response_status_code(self):
        return self._status_code

    def get_response_status_phrase(self):
        return self._reason_phrase

    def add_response_property(self, key, value):
        self._response_header[key] = value

    def get_response_headers(self):
        return self._response_header

    def get_response_header(self, key):
        return self._response_header.get(key)


class Context:
    def __init__(self, model_dir, gpu_id=None, model_name="model"):
        self.model_name = model_name
        self.manifest = None
        self._system_properties = {
            "model_dir": model_dir,
            "gpu_id": gpu_id,
            "batch_size": 1,
            "server_name": "optml",
            "server_version": getattr(optml_toolkit, "__version__", "0"),
        }
        self.request_ids = {}
        self.request_processor = [RequestProcessor({})]
        self.metrics = None
        # Set by the default input_fn when the body was JSON lines, so that the default
        # output_fn answers one line per record.
        self.records_as_lines = False

    @property
    def system_properties(self):
        return self._system_properties

    def start_request(self, request_id, headers):
        self.request_ids = {0: str(request_id)}
        self.request_processor = [RequestProcessor(headers)]
        self.records_as_lines = False

    def get_request_id(self, idx=0):
        return self.request_ids.get(idx)

    def get_request_header(self, idx, key):
        return self.request_processor[idx].get_request_property(key)

    def get_all_request_header(self, idx):
        return self.request_processor[idx].get_request_properties()

    def set_response_content_type(self, idx, value):
        self.set_response_header(idx, "content-type", value)

    def get_response_content_type(self, idx):
        return self.get_response_headers(idx).get("content-type")

    def get_response_status(self, idx):
        processor = self.request_processor[idx]
        return processor.get_response_status_code(), processor.get_response_status_phrase()

    def set_response_status(self, code=200, phrase="", idx=0):
        if self.request_processor is not None and self.request_processor[idx] is not None:
            self.request_processor[idx].report_status(code, reason_phrase=phrase)

    def set_all_response_status(self, code=200, phrase=""):
        for processor in self.request_processor:
            processor.report_status(code, reason_phrase=phrase)

    def get_response_headers(self, idx):
        return self.request_processor[idx].get_response_headers()

    def set_response_header(self, idx, key, value):
        self.request_processor[idx].add_response_property(key, value)
