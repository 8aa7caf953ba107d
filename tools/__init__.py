"""Developer tools kept beside the program's source: not part of the shipped package (pyproject.toml
packages only ``desktop_app`` and ``ui``), run from a source checkout."""
