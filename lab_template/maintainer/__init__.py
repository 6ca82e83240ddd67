"""Scripts for the template's maintainers (see lab_template/__init__.py)."""
