"""FORMAT_MODULE_PATH: the portal's own date formats per language, over Django's (issue 23)."""
