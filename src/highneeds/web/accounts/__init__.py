"""Accounts: per-LA workspaces, memberships with roles, permissions, login limits, audit log."""
