"""The Python side of optml: what train and serve run in Python, and what user code imports."""
