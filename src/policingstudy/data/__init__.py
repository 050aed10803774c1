"""Data: raw (read-only) -> validated -> processed.

The codebook and dataset schemas, the pinned external sources and their mirror, one reader per
source (tidy output), the thesis tables, boundaries, and the build that writes
``data/processed``.
"""
