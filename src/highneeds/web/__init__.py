"""The Django web shell: workspace pages and public consultations over the core.

This package is the only place allowed to import Django. Views stay thin: they call core
functions (which take and return DataFrames or small dataclasses) and render the answer.
"""
