"""The user's handlers: loading them once, then turning each request into a response.

Follows the reference toolkit's Transformer: handlers come from the user module (defaults for
the missing ones), ``transform_fn`` excludes ``input_fn``/``predict_fn``/``output_fn``, every
handler may take a trailing ``context`` argument (counted from its signature), and a
``(body, content_type)`` tuple sets the response's type. Unlike the reference, the model is
loaded at start-up, so a missing ``model_fn`` fails the start instead of the first request.
"""

import importlib
import importlib.util
import inspect
import json
import sys
import traceback

from optml_toolkit.serving import content_types, default_handlers, errors
from optml_toolkit.serving.context import Context

TEXT_PLAIN = "text/plain; charset=utf-8"


class HandlerError(Exception):
    """The user module breaks the handler contract (found at start-up)."""


class Response:
    __slots__ = ("status", "content_type", "body", "headers")

    def __init__(self, status, content_type, body, headers=None):
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers or {}


class Handler:
    """A handler function with its arity known once, so calls need no signature inspection."""

    __slots__ = ("function", "name", "arity")

    def __init__(self, function, name):
        self.function = function
        self.name = name
        self.arity = len(inspect.signature(function).parameters)

    def __call__(self, context, *arguments):
        if self.arity == len(arguments):
            return self.function(*arguments)
        if self.arity == len(arguments) + 1:
            return self.function(*arguments, context)
        raise TypeError(
            f"{self.name} takes {self.arity} arguments but is called with {len(arguments)} "
            f"(or {len(arguments) + 1} with the trailing context)"
        )


def module_name_of(program):
    """The module SAGEMAKER_PROGRAM names: ``inference.py`` is the module ``inference``."""
    return program[:-3] if program.endswith(".py") else program


class Transformer:
    def __init__(self, model_dir, code_dir, program, default_accept, gpu_id=None):
        self.model_dir = model_dir
        self.code_dir = code_dir
        self.module_name = module_name_of(program or "inference.py")
        self.default_accept = default_accept or content_types.JSON
        self.context = Context(model_dir, gpu_id=gpu_id)
        self.model = None
        self._transform_fn = None
        self._input_fn = None
        self._predict_fn = None
        self._output_fn = None

    # Start-up ---------------------------------------------------------------------------------

    def load(self):
        """Imports the user module, checks its handlers and loads the model (may raise)."""
        handlers = self._find_handlers()
        pre_model_fn = handlers.get("pre_model_fn")
        model_fn = handlers.get("model_fn") or default_handlers.default_model_fn
        model_warmup_fn = handlers.get("model_warmup_fn")
        transform_fn = handlers.get("transform_fn")
        stages = [handlers.get(name) for name in ("input_fn", "predict_fn", "output_fn")]
        if transform_fn is not None and any(stage is not None for stage in stages):
            raise HandlerError(
                f"The module {self.module_name} defines transform_fn together with "
                "input_fn, predict_fn and/or output_fn; define either transform_fn alone or "
                "any of the other three."
            )
        if transform_fn is not None:
            self._transform_fn = Handler(transform_fn, "transform_fn")
        else:
            self._input_fn = Handler(stages[0] or default_handlers.default_input_fn, "input_fn")
            self._predict_fn = Handler(
                stages[1] or default_handlers.default_predict_fn, "predict_fn"
            )
            self._output_fn = Handler(stages[2] or default_handlers.default_output_fn, "output_fn")
            if not (stages[0] and stages[2]):
                # Now, so that forked workers share the codecs instead of importing them each.
                default_handlers.load_codecs()
        if pre_model_fn is not None:
            Handler(pre_model_fn, "pre_model_fn")(self.context, self.model_dir)
        self.model = Handler(model_fn, "model_fn")(self.context, self.model_dir)
        if model_warmup_fn is not None:
            Handler(model_warmup_fn, "model_warmup_fn")(self.context, self.model_dir, self.model)

    def _find_handlers(self):
        if self.code_dir and self.code_dir not in sys.path:
            sys.path.insert(0, self.code_dir)
        try:
            found = importlib.util.find_spec(self.module_name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            # As in the reference: no user module means the defaults, so model_fn's message.
            return {}
        module = importlib.import_module(self.module_name)
        names = (
            "pre_model_fn", "model_fn", "model_warmup_fn",
            "transform_fn", "input_fn", "predict_fn", "output_fn",
        )
        return {name: getattr(module, name) for name in names if getattr(module, name, None)}

    # Requests ---------------------------------------------------------------------------------

    def invoke(self, request_id, content_type, accept, headers, body):
        """One request to one Response; never raises for the handler's errors."""
        context = self.context
        context.start_request(request_id, headers)
        try:
            if not accept or accept.strip() == content_types.ANY:
                accept = self.default_accept
            data = body
            if content_types.media_type(content_type) in content_types.UTF8_TYPES:
                try:
                    data = body.decode(content_types.charset(content_type))
                except (UnicodeDecodeError, LookupError) as error:
                    raise errors.UndecodableBodyError(content_type, str(error)) from None
            result = self._transform(data, content_type, accept)
            response_type = accept
            if isinstance(result, tuple):
                result, response_type = result[0], result[1]
            status, _phrase = context.get_response_status(0)
            return Response(
                status if isinstance(status, int) else 200,
                response_type if response_type is not None else "",
                _body_bytes(result),
                _extra_headers(context),
            )
        except Exception as error:  # pylint: disable=broad-except
            return _error_response(error)

    def _transform(self, data, content_type, accept):
        context = self.context
        if self._transform_fn is not None:
            return self._transform_fn(context, self.model, data, content_type, accept)
        decoded = self._input_fn(context, data, content_type)
        prediction = self._predict_fn(context, decoded, self.model)
        return self._output_fn(context, prediction, accept)


def _body_bytes(result):
    """The response body as the model server makes it: bytes as-is, str as UTF-8, else JSON."""
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result)
    if isinstance(result, str):
        return result.encode("utf-8")
    try:
        return json.dumps(result, indent=2).encode("utf-8")
    except TypeError:
        raise TypeError(
            f"the handler returned a {type(result).__name__}, which is neither bytes, str nor "
            "JSON-serializable; return an encoded body (output_fn)"
        ) from None


def _extra_headers(context):
    headers = dict(context.get_response_headers(0))
    headers.pop("content-type", None)
    return headers


def _error_response(error):
    status = errors.status_of(error)
    if status is not None:
        message = getattr(error, "message", None) or str(error)
    else:
        status = 500
        message = f"{type(error).__name__}: {error}"
        # The traceback goes to the worker's stderr, which the front end relays to the log.
        traceback.print_exc(file=sys.stderr)
    if not 100 <= status <= 599:
        status = 500
    return Response(status, TEXT_PLAIN, str(message).encode("utf-8", "replace"))
