"""Understanding the data: overviews, benchmarks and JSNA tables (pure functions)."""
