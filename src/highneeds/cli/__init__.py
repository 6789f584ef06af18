"""The Typer command-line shell: parses input, calls the core, presents results."""
