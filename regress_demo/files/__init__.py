"""What a run writes: GIF, video, stills, sheets, weights, the record and the gallery, each
written whole or not at all, and reading a record back.

Each kind of file is a Writer in the registry of writers.py; the modules that hold them register
them when imported, here, so that the registry knows every kind whatever is imported first.
"""

from . import gallery, gif, records, stills, video  # noqa: F401 - each registers its writers
