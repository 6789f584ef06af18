"""Data shipped with highneeds: the bundled DfE release, LA lineage and reference tables."""
