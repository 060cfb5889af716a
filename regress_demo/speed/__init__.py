"""Faster loops than the layer classes, an optimisation checked against them at run time.

Skip this folder on a first read: network/ is what runs, unless a check shows this agrees with it.
"""
