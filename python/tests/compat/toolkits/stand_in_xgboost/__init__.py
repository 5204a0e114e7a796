"""A stand-in framework toolkit for the compat tests."""
