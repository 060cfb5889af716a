"""The command line, what it prints, the notebook, and the run that ties the parts together."""
