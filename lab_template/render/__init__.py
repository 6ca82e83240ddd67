"""Code that runs while cookiecutter or copier renders the template (see lab_template/__init__.py)."""
