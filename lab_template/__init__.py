"""The template's own Python code, in folders by where it runs:

- ``render/``: while either tool renders the template (both load ``render/extensions.py``):
  Jinja filters, the rules for every answer, the cluster table, the licence texts, copier's
  answers file under cookiecutter.
- ``adoption/``: taking an existing repo over, one module per concern: what the repo says and
  the refusals, read while copier asks its questions; the merges, checks and summary, which the
  adoption task runs once copier has written the files.
- ``tasks/``: copier's tasks and migrations, run as scripts in the user's repo after a copy or
  an update (adoption, the update report, migration steps).
- ``maintainer/``: scripts for the template's maintainers (regenerate copier.yml, move pins).
"""

from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
