"""Figures, maps, tables and the named numbers that reports quote; consumes analysis results."""
