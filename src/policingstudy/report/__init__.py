"""Figures, maps, tables, text and quoted numbers: language in, artefacts out; no analysis."""
