"""The Python side of `serve`: the handler workers the front end starts (see PROTOCOL.md)."""
