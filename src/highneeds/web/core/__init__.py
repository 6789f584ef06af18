"""Shared web plumbing: security headers, health check, GOV.UK form helpers, base models."""
