"""Composite indicators (a port of COINr): structure, normalisation, weights, aggregation.

- :mod:`~.hierarchy`: COINr-style index structure (``iMeta``), validated.
- :mod:`~.engine`: vectorised normalisation and aggregation kernels.
- :mod:`~.weights`: equal, user, PCA and AHP weights.
- :mod:`~.composite`: the composite index and the system (jurisdiction) level.
- :mod:`~.draws`: many index computations at once (Monte Carlo, Sobol, scenarios).
- :mod:`~.uncertainty`: Monte Carlo over construction choices and coding.
- :mod:`~.systems`: bodies first (gated powers), then systems (best available, population-covered
  mean, best single body), missing-value bounds and the construction grid.
- :mod:`~.measurement`: an ordinal measurement model of coding error (posterior draws).
- :mod:`~.sensitivity`: Sobol indices (SALib), also over the construction grid.
- :mod:`~.compare`: distances, gaps, nearest model, clustering.
- :mod:`~.scenarios`: reform scenarios defined as data.
"""
