"""Python that train runs with `python -c`; each file is embedded into train at build time."""
