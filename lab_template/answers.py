"""copier's answers file for a repo that cookiecutter baked, so `copier update` can take it over.

copier needs three things from it: where the template is (``_src_path``), which version of
it made the repo (``_commit``), and the answers. The template renders it as one of its files
(copier writes its own into the same file), so ``cookiecutter --skip-if-file-exists`` keeps a
repo's existing one. Standard library and PyYAML only (both are there wherever cookiecutter runs).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

# cookiecutter's ways of naming a remote template; anything else is a local folder.
_REMOTE_PREFIXES = ("gh:", "gl:", "bb:", "git@", "git+", "http://", "https://", "ssh://", "file://")


def template_version(template_root: str) -> str | None:
    """`git describe` of the template checkout, as copier records it; None outside git."""
    result = subprocess.run(
        ["git", "-C", template_root, "describe", "--tags", "--always"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


def template_source(template: str, template_root: str) -> str:
    """What to record as the source: the user's remote address, or the local folder's path."""
    return template if template.startswith(_REMOTE_PREFIXES) else template_root


TEMPLATE_ROOT = str(Path(__file__).resolve().parent.parent)


def answers_yaml(context: dict) -> str:
    """The answers file's YAML from cookiecutter's context (the answers and ``_template``)."""
    template_root = TEMPLATE_ROOT
    answers = {key: value for key, value in context.items() if not key.startswith("_")}
    answers["_src_path"] = template_source(context["_template"], template_root)
    if commit := template_version(template_root):
        answers["_commit"] = commit
    return yaml.safe_dump(answers, sort_keys=True, allow_unicode=True)
