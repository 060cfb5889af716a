"""What a run writes: GIF, video, stills, sheets, weights, the record and the gallery, each
written whole or not at all, and reading a record back.
"""
