"""Workspace pages: thin shells over the core's analysis functions, one LA at a time."""
