"""The template's own Python code, in three folders by where it runs:

- ``render/``: while either tool renders the template (both load ``render/extensions.py``):
  Jinja filters, the rules for every answer, the cluster table, the licence texts, the
  defaults an existing repo gives, copier's answers file under cookiecutter.
- ``tasks/``: copier's tasks and migrations, run as scripts in the user's repo after a copy or
  an update (adoption's merges and summary, the update report, migration steps).
- ``maintainer/``: scripts for the template's maintainers (regenerate copier.yml, move pins).
"""

from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
