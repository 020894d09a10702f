"""Reference solutions of the programming exercises, one file per chapter."""
