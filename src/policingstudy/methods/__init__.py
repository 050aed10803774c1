"""Study-agnostic methods, importable as a library: they know nothing of this study's data.

- :mod:`policingstudy.methods.index`: composite indicators (a port of COINr): structure,
  normalisation, weights, aggregation, Monte Carlo uncertainty, Sobol sensitivity, distances,
  scenarios.
- :mod:`policingstudy.methods.causal`: panel estimators: the panel contract, TWFE and event
  studies, Callaway & Sant'Anna, wild cluster bootstrap, a simulation study.
- :mod:`policingstudy.methods.reliability`: inter-coder reliability and reconciliation.

Modules take pandas objects and return tidy results; they never read files or environment
variables and never draw a figure.
"""
