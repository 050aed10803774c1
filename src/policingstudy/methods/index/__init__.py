"""Composite indicators (a port of COINr): structure, normalisation, weights, aggregation.

- :mod:`~.hierarchy`: COINr-style index structure (``iMeta``), validated.
- :mod:`~.engine`: vectorised normalisation and aggregation kernels.
- :mod:`~.weights`: equal, user, PCA and AHP weights.
- :mod:`~.composite`: the composite index and the system (jurisdiction) level.
- :mod:`~.draws`: many index computations at once (Monte Carlo, Sobol, scenarios).
- :mod:`~.uncertainty`: Monte Carlo over construction choices and coding.
- :mod:`~.sensitivity`: Sobol indices (SALib).
- :mod:`~.compare`: distances, gaps, nearest model, clustering.
- :mod:`~.scenarios`: reform scenarios defined as data.
"""
