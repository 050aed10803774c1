"""Figures shared by several reports: maps and general charts."""
