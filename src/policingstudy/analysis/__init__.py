"""Analysis layer: reliability, composite indices, uncertainty, sensitivity, comparison, scenarios.

Modules consume validated tables (pandas objects) and return tidy results; they never read files
or environment variables and never draw a figure (plots live in :mod:`policingstudy.report`).

- :mod:`~policingstudy.analysis.reliability`: Krippendorff's alpha, disagreements, reconciliation.
- :mod:`~policingstudy.analysis.hierarchy`: COINr-style index structure (``iMeta``), validated.
- :mod:`~policingstudy.analysis.engine`: vectorised normalisation and aggregation kernels.
- :mod:`~policingstudy.analysis.weights`: equal, user, PCA and AHP weights.
- :mod:`~policingstudy.analysis.composite`: the composite index and the system (jurisdiction) level.
- :mod:`~policingstudy.analysis.draws`: many index computations at once (MC, Sobol, scenarios).
- :mod:`~policingstudy.analysis.uncertainty`: Monte Carlo over construction choices and coding.
- :mod:`~policingstudy.analysis.sensitivity`: Sobol indices (SALib).
- :mod:`~policingstudy.analysis.compare`: distances, gaps, nearest model, clustering.
- :mod:`~policingstudy.analysis.scenarios`: reform scenarios defined as data.

Panel and difference-in-differences estimators live in their own modules of this package.
"""
