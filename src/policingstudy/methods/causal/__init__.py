"""Panel estimators: TWFE and event studies, Callaway & Sant'Anna, inference, simulation.

- :mod:`~policingstudy.methods.causal.did`: the panel contract and ``att_gt`` (moderndid).
- :mod:`~policingstudy.methods.causal.twfe`: two-way fixed effects, event studies, Bacon.
- :mod:`~policingstudy.methods.causal.wild_bootstrap`: the wild cluster bootstrap.
- :mod:`~policingstudy.methods.causal.simulation`: simulated panels over a real schedule.
"""
