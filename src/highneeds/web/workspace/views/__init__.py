"""Workspace pages, one module per feature. Thin: permission, call a service or the core,
render."""
