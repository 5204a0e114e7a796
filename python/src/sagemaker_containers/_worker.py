"""Serving worker names (behaviour comes with optml's serve)."""


class Response:
    def __init__(self, response=None, status=200, headers=None, mimetype=None,
                 content_type=None, direct_passthrough=False):
        self.response = response
        self.status = status
        self.headers = headers or {}
        self.mimetype = mimetype
        self.content_type = content_type


class Request:
    pass


class Worker:
    def __init__(self, transform_fn, initialize_fn=None, module_name=None,
                 healthcheck_fn=None, execution_parameters_fn=None):
        self.transform_fn = transform_fn
        self.initialize_fn = initialize_fn
        self.module_name = module_name

    def __call__(self, *args, **kwargs):
        raise NotImplementedError("serving comes with optml's serve")
