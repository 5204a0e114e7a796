"""MIME types the default codecs know, with the reference toolkit's constant names."""

JSON = "application/json"
JSONLINES = "application/jsonlines"
CSV = "text/csv"
OCTET_STREAM = "application/octet-stream"
ANY = "*/*"
NPY = "application/x-npy"
NPZ = "application/x-npz"
# Bodies of these types reach the handlers as str, not bytes (as in the reference).
UTF8_TYPES = [JSON, CSV]


def media_type(content_type):
    """The bare type of a Content-Type or Accept entry: no parameters, lower case."""
    if content_type is None:
        return None
    return content_type.split(";", 1)[0].strip().lower()


def charset(content_type, default="utf-8"):
    """The charset parameter of a Content-Type, or ``default``."""
    if content_type:
        for parameter in content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
    return default


def parse_accept(accept):
    """The entries of an Accept header in the client's order, parameters kept."""
    return [entry.strip() for entry in accept.split(",") if entry.strip()]
