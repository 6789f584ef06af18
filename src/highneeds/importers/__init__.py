"""Importers load what readers return into the store, atomically, idempotently, with provenance."""
