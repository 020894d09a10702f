"""Stubs of the programming exercises, one file per chapter (copy one and fill it in)."""
