"""What a run is asked to do: its settings and their rules, the curves and formulas, your own
data."""
