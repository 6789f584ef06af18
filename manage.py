#!/usr/bin/env python
"""Django's command-line utility for the highneeds web workspace (local settings by default)."""

from highneeds.web.manage import main

if __name__ == "__main__":
    main()
