"""Jinja filters and globals that the template files use, for cookiecutter and copier alike.

Free text never goes into a generated file by pasting it inside quotes: every format has its
own filter (``toml_str``, ``yaml_str``, ``py_str``, ``md_text``) that escapes for it. (The bash
scripts take only validated identifiers, such as the package name and the SLURM account.)
The free-text filters also drop surrounding whitespace: a space typed before or after an answer
is an accident, and would end up as trailing whitespace or a padded PyPI summary.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import unicodedata
from pathlib import Path

from jinja2 import pass_context
from jinja2.ext import Extension

# copier loads this file by its path, not as ``lab_template.extensions``: make the sibling modules
# importable the same way under both tools.
_TEMPLATE_ROOT = str(Path(__file__).resolve().parent.parent)


def _forget_other_checkouts() -> None:
    """Put this checkout first on sys.path and drop `lab_template` modules imported from another.

    `copier update` renders two versions of the template (the old, then the new) in one process,
    loading this file anew from each checkout; without this, the new render would reuse the
    filters, rules and cluster table that the old one imported.
    """
    while _TEMPLATE_ROOT in sys.path:
        sys.path.remove(_TEMPLATE_ROOT)
    sys.path.insert(0, _TEMPLATE_ROOT)
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] != "lab_template":
            continue
        source = getattr(module, "__file__", None) or ""
        if not Path(source).resolve().is_relative_to(_TEMPLATE_ROOT):
            del sys.modules[name]


_forget_other_checkouts()

from lab_template import adoption, clusters, validation


def to_package_name(project_name: str) -> str:
    """'Gaussian Processes (GP) toolkit' -> 'gaussian_processes_gp_toolkit'."""
    ascii_name = unicodedata.normalize("NFKD", project_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def to_distribution_name(package_name: str) -> str:
    """'gp_toolkit' -> 'gp-toolkit' (the PyPI spelling; pip treats both alike)."""
    return package_name.replace("_", "-")


def dist_file_name(distribution_name: str) -> str:
    """'My.Project' -> 'my_project': the name as sdist and wheel file names spell it (PEP 625)."""
    return re.sub(r"[-_.]+", "_", distribution_name).lower()


def _json_str(text: str) -> str:
    # JSON's escapes are a subset of TOML's and YAML's double-quoted strings and Python's
    # literals; DEL is the one control character JSON leaves raw and TOML forbids.
    return json.dumps(str(text).strip(), ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_str(text: str) -> str:
    """A TOML basic string: ``"..."`` with every special character escaped."""
    return _json_str(text)


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar."""
    return _json_str(text)


def py_str(text: str) -> str:
    """A Python string literal."""
    return _json_str(text)


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|])")
# What makes a paragraph a list, heading, quote or setext underline: "- ", "# ", "> ", "1. ".
_MARKDOWN_BLOCK_START = re.compile(r"^([-+#>=]|\d+[.)])")


def md_text(text: str) -> str:
    """Plain text in Markdown: backslash-escape what Markdown would read as markup."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", str(text).strip())
    # Escaping the marker's last character is enough: "\- a", "\# a", "1\. a".
    return _MARKDOWN_BLOCK_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped)


def name_parts(full_name: str) -> tuple[str, str]:
    """'Ada King Lovelace' -> ('Ada King', 'Lovelace'): given names and family name, for
    CITATION.cff, which asks for the two apart. The last word is taken as the family name."""
    *given, family = str(full_name).split()
    return " ".join(given), family


def check_answers(answers) -> str:
    """Stop cookiecutter at the first bad answer, before it creates the output folder.

    cookiecutter.json renders this as a private value right after every question, so an
    interactive run stops at the bad answer instead of asking the remaining questions first.
    The message is then the last line the user sees (a failing pre-gen hook is followed by
    cookiecutter's own traceback).
    """
    validation.exit_on_bad_answers(dict(answers))
    return ""


def current_year() -> str:
    return str(datetime.datetime.now(tz=datetime.timezone.utc).year)


def python_versions(python_min: str) -> list[str]:
    """The supported Python versions from python_min up: classifiers and CI matrices."""
    supported = validation.SUPPORTED_PYTHONS
    return list(supported[supported.index(python_min) :])


# The Pythons that Read the Docs' build image offers (build.tools.python in its config schema).
READTHEDOCS_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def readthedocs_python(python_min: str) -> str:
    """The newest supported Python that Read the Docs offers, or its "latest" if none."""
    offered = [version for version in python_versions(python_min) if version in READTHEDOCS_PYTHONS]
    return offered[-1] if offered else "latest"


class LabExtension(Extension):
    """The lab template's filters and globals."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            to_package_name=to_package_name,
            to_distribution_name=to_distribution_name,
            dist_file_name=dist_file_name,
            toml_str=toml_str,
            yaml_str=yaml_str,
            py_str=py_str,
            md_text=md_text,
            split_ids=validation.split_ids,
            split_keywords=validation.split_keywords,
            name_parts=name_parts,
        )
        environment.globals.update(
            current_year=current_year,
            python_versions=python_versions,
            readthedocs_python=readthedocs_python,
            template_root=_TEMPLATE_ROOT,
            answer_error=validation.answer_error,
            check_answers=check_answers,
            cluster=clusters.cluster,
            repo_says=adoption.repo_says,
            copier_operation=adoption.copier_operation,
            starter_code=pass_context(adoption.starter_code),
        )
