"""Readers turn files as published (or as LAs export them) into tidy DataFrames.

They never write to the store themselves; importers in ``highneeds.importers`` do, atomically.
"""
