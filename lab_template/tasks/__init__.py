"""copier's tasks and migration steps, run as scripts in the user's repo (see lab_template/__init__.py)."""
