"""Study decisions and assembly: what a system is, the constructions, the panels.

Notebooks call these functions (and :mod:`policingstudy.report` to show the results). It is
the only layer that applies the shared result cache (:func:`policingstudy.core.cache.memoised`).
"""
