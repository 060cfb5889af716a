"""The textbook's network and its training loop, NumPy only: read this folder first.

layers.py holds the layer classes (forward, backward, update), train.py the SGD loop that trains
them and the snapshots a film is drawn from, samples.py the textbook's samples. Nothing here imports
anything else of the package.
"""
