"""Settings split by environment: base (shared), local (default), production, test.

Choose with DJANGO_SETTINGS_MODULE=highneeds.web.settings.<name>.
"""
