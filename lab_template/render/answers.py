"""copier's answers file for a repo that cookiecutter baked, so `copier update` can take it over.

copier needs three things from it: where the template is (``_src_path``), which version of
it made the repo (``_commit``), and the answers, as copier would record them. The template
renders it as one of its files (copier writes its own into the same file), so
``cookiecutter --skip-if-file-exists`` keeps a repo's existing one. Standard library, PyYAML and
Jinja only (all there wherever cookiecutter runs).
"""

from __future__ import annotations

import os
import subprocess
import sys

import jinja2
import yaml

from lab_template import TEMPLATE_ROOT
from lab_template.render.copier_questions import COPIER_ONLY, DECISIONS, copier_when

# cookiecutter's ways of naming a remote template; anything else is a local folder.
_REMOTE_PREFIXES = ("gh:", "gl:", "bb:", "git@", "git+", "http://", "https://", "ssh://", "file://")


def template_version(template_root: str) -> str | None:
    """`git describe` of the template checkout, as copier records it; None if the template is not
    a git repository of its own (a download, or a folder inside another repository, whose
    commits are not the template's)."""
    top = subprocess.run(
        ["git", "-C", template_root, "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not top or os.path.realpath(top) != os.path.realpath(template_root):
        return None
    result = subprocess.run(
        ["git", "-C", template_root, "describe", "--tags", "--always"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


NOT_UPDATABLE = (
    "warning: {root} is not a git repository of its own (a download, or a folder inside another git "
    "repo), so .copier-answers.yml records no template version and this repo cannot be updated from "
    "it later; bake from the template's git URL (cookiecutter gh:<org>/<repo>) or a clone of it"
)


def template_source(template: str, template_root: str) -> str:
    """What to record as the source: the user's remote address, or the local folder's path."""
    return template if template.startswith(_REMOTE_PREFIXES) else template_root


def asked_by_copier(answers: dict) -> dict:
    """The answers that copier would record: not those whose question's `when` is false.

    A new repo has no answer recorded yet: each `when` is rendered without the question's own.
    """
    environment = jinja2.Environment()
    skipped = {
        name
        for name in COPIER_ONLY
        if (when := copier_when(name))
        and not _true(environment.from_string(when).render({k: v for k, v in answers.items() if k != name}))
    }
    return {name: value for name, value in answers.items() if name not in skipped}


def _true(rendered: str) -> bool:
    """A rendered `when`, read as copier reads it."""
    return rendered.strip().lower() not in {"", "0", "n", "no", "f", "false", "off", "~", "null", "none"}


def answers_yaml(context: dict) -> str:
    """The answers file's YAML from cookiecutter's context (the answers and ``_template``)."""
    answers = asked_by_copier({key: value for key, value in context.items() if not key.startswith("_")})
    # cookiecutter always makes a new repo, which takes every file of the template.
    answers.update((name, decision["new_repo"]) for name, decision in DECISIONS.items())
    answers["_src_path"] = template_source(context["_template"], str(TEMPLATE_ROOT))
    if commit := template_version(str(TEMPLATE_ROOT)):
        answers["_commit"] = commit
    else:
        print(NOT_UPDATABLE.format(root=TEMPLATE_ROOT), file=sys.stderr)
    return yaml.safe_dump(answers, sort_keys=True, allow_unicode=True)
