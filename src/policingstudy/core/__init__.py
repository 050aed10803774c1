"""Core: errors, closed option sets, project paths, atomic files, content hashing, result cache.

Imports nothing else of the package. Everything above builds on it.
"""
