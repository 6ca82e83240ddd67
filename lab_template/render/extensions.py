"""Jinja filters and globals that the template files use, for cookiecutter and copier alike.

Free text never goes into a generated file by pasting it inside quotes: every format has its
own filter (``toml_str``, ``yaml_str``, ``py_str``, ``md_text``) that escapes for it. (The bash
scripts take only validated identifiers, such as the package name and the SLURM account.)
The free-text filters also drop surrounding whitespace: a space typed before or after an answer
is an accident, and would end up as trailing whitespace or a padded PyPI summary.

Answers are text under both tools. copier never evaluates them; cookiecutter renders every
answer given on the command line, in a config file's default_context or in a replay file as a
Jinja template. ``LabExtension.preprocess`` turns such an answer into a template of its literal
text, so ``{{ 7*7 }}`` stays as typed and the rules then refuse its markers by name.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import unicodedata
from functools import cache
from pathlib import Path

import yaml
from jinja2 import pass_context
from jinja2.ext import Extension

# copier loads this file by its path, not as ``lab_template.render.extensions``: make the template's
# other modules importable the same way under both tools.
_TEMPLATE_ROOT = str(Path(__file__).resolve().parents[2])


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

from lab_template.adoption import answers as repo_answers
from lab_template.render import (
    answers,
    clusters,
    compile_cache,
    copier_checks,
    license_texts,
    tree,
    validation,
)


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


def meta_yaml_str(text: str) -> str:
    """A YAML double-quoted scalar for conda-build's meta.yaml, with every '#' escaped.

    conda-build reads a line as a selector before it parses the YAML: a line with '#' before a
    '[...]' that nothing but parentheses follows (``summary: "Fast # [win]"``) is kept on
    Windows only, quotes or not. YAML reads ``\x23`` in a double-quoted scalar as '#'.
    """
    return yaml_str(text).replace("#", "\\x23")


def readthedocs_slug(name: str) -> str:
    """'My_Project' -> 'my-project': the name Read the Docs gives a project imported from a
    repository of that name, and the subdomain its docs are served at (<slug>.readthedocs.io)."""
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")


def _py_escaped(ch: str, quote: str) -> str:
    if ch in ("\\", quote):
        return "\\" + ch
    if ch.isascii() and ch.isprintable():
        return ch
    return ascii(ch)[1:-1]  # '\\x1f', '\\u2019', '\\U0001f680'


def py_str(text: str) -> str:
    """A Python string literal in ASCII, as ruff format writes it.

    Every non-ASCII character is an escape: ruff's RUF001 refuses typographic quotes, dashes,
    full-width letters and the like in a string, and which letters it takes for look-alikes
    depends on their neighbours. Double quotes, unless the text has more of them than of
    single quotes (ruff format then changes to single quotes, for fewer escapes).
    """
    text = str(text).strip()
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_py_escaped(ch, quote) for ch in text) + quote


LINE_LENGTH = 99  # the generated pyproject.toml's [tool.ruff] line-length (a test checks it)


def py_str_for(text: str, name: str) -> str:
    """The literal for ``<name> = <literal>``, laid out as ruff format would.

    ruff format wraps an assignment that is too long in parentheses, when that makes it fit.
    """
    literal = py_str(text)
    if len(f"{name} = {literal}") > LINE_LENGTH and len(f"    {literal}") <= LINE_LENGTH:
        return f"(\n    {literal}\n)"
    return literal


# Markup anywhere in a line (CommonMark, GitHub's Markdown, MyST): emphasis, code, links, HTML,
# tables, strikethrough and tilde fences, a heading's closing '#', math; an underscore only where
# it could start or end emphasis (not in snake_case). GitHub and PyPI also turn ':smile:' into an
# emoji and link 'https://...' and 'www.'; links keep their text, but a backslash inside one
# would show, so an escaped ':' or '.' stops them from being links instead.
_MARKDOWN_INLINE = re.compile(r"[\\`*\[\]<>|~#$]|(?<![^\W_])_|_(?![^\W_])|:(?=[\w+-]+:)|(?<=\bwww)\.|:(?=//)")
_MARKDOWN_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # '&amp;' would show as '&'
# What makes a line a list, quote or setext underline ("- ", "> ", "1. ", "==="), a MyST
# comment ("% ") or target ("(name)="), or a MyST block break ("+++").
_MARKDOWN_BLOCK_START = re.compile(r"^([-+=>%(]|\d+[.)])")


def md_text(text: str) -> str:
    """Plain text in Markdown: backslash-escape what Markdown would read as markup."""
    escaped = _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(), str(text).strip())
    escaped = _MARKDOWN_ENTITY.sub(r"\\&", escaped)
    # Escaping the marker's last character is enough: "\- a", "\% a", "1\. a".
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


@pass_context
def answer_error(context, field: str, value) -> str:
    """copier's validator: the message for a bad answer, or "" for a good one.

    An answer that copier does not ask for, given with --data or a data file, or taken with
    --defaults (a default), is refused with one line and exit status 1: copier itself would
    print a traceback that ends in the message. A recorded answer that this version no longer
    accepts (a Python version it dropped) is not: copier then forgets it and takes the default,
    and the update's report says so (lab_template/tasks/update_report.py).
    """
    message = validation.answer_error(field, value)
    copier_conf = context.get("_copier_conf")
    if message and copier_conf is not None:
        data = copier_conf["data"]
        not_asked = str(data[field]) == str(value) if field in data else copier_conf["defaults"]
        if not_asked and not _is_recorded(copier_conf, field, value):
            validation.exit_on_bad_answers({field: value})
    return message


def _is_recorded(copier_conf, field: str, value) -> bool:
    """Whether value is the answer that the destination's answers file records for field."""
    path = Path(str(copier_conf["dst_path"])) / str(copier_conf["answers_file"])
    try:
        recorded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(recorded, dict) and field in recorded and str(recorded[field]) == str(value)


def current_year() -> str:
    return str(datetime.datetime.now(tz=datetime.timezone.utc).year)


def python_versions(python_min: str) -> list[str]:
    """The supported Python versions from python_min up: classifiers and CI matrices."""
    supported = validation.SUPPORTED_PYTHONS
    return list(supported[supported.index(python_min) :])


# conda-forge's global python_min (CFEP-25): the oldest Python its noarch packages are built
# and tested on. A recipe sets its own python_min only above it.
CONDA_FORGE_PYTHON_MIN = "3.10"


# The Pythons that Read the Docs' build image offers (build.tools.python in its config schema).
READTHEDOCS_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def readthedocs_python(python_min: str) -> str:
    """The newest supported Python that Read the Docs offers, or its "latest" if none."""
    offered = [version for version in python_versions(python_min) if version in READTHEDOCS_PYTHONS]
    return offered[-1] if offered else "latest"


TEMPLATE_DIR_NAME = "{{cookiecutter.package_name}}"
_JINJA_MARKERS = re.compile(r"\{\{|\{%|\{#")


@cache
def _template_sources() -> frozenset[str]:
    """What cookiecutter renders from strings that is the template's, not an answer.

    The values of cookiecutter.json, the paths in the template folder and the hooks' code.
    """
    root = Path(_TEMPLATE_ROOT)
    values = validation.COOKIECUTTER_JSON.values()
    strings = {
        v for value in values for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
    }
    template_dir = root / TEMPLATE_DIR_NAME
    paths = {str(path.relative_to(template_dir)) for path in template_dir.rglob("*")}
    hooks = {path.read_text(encoding="utf-8") for path in (root / "hooks").iterdir()}
    return frozenset(strings | paths | hooks)


def _is_template_source(source: str) -> bool:
    # cookiecutter renders a folder's path as '<project folder>/./<path in the template>'.
    in_project = source.rpartition(os.sep + "." + os.sep)[2]
    return source in _template_sources() or in_project in _template_sources()


def _jinja_literal(text: str) -> str:
    """A template that renders as text itself: text as a Jinja string, every character escaped."""
    escaped = "".join(ch if ch.isascii() and ch.isalnum() else f"\\U{ord(ch):08x}" for ch in text)
    return '{{ "' + escaped + '" }}'


class LabExtension(Extension):
    """The lab template's filters and globals; under cookiecutter, answers kept as text."""

    def __init__(self, environment):
        super().__init__(environment)
        self._under_cookiecutter = type(environment).__module__.partition(".")[0] == "cookiecutter"
        # Under cookiecutter, only the template's own strings: answers are rendered as strings too.
        compile_cache.install(
            environment, _is_template_source if self._under_cookiecutter else lambda _: True
        )
        environment.filters.update(
            to_package_name=to_package_name,
            to_distribution_name=to_distribution_name,
            dist_file_name=dist_file_name,
            toml_str=toml_str,
            yaml_str=yaml_str,
            meta_yaml_str=meta_yaml_str,
            readthedocs_slug=readthedocs_slug,
            py_str=py_str,
            py_str_for=py_str_for,
            md_text=md_text,
            split_ids=validation.split_ids,
            split_keywords=validation.split_keywords,
            name_parts=name_parts,
            copier_answers_yaml=answers.answers_yaml,
            slurm_account_example=clusters.account_example,
        )
        environment.globals.update(
            current_year=current_year,
            python_versions=python_versions,
            readthedocs_python=readthedocs_python,
            conda_forge_python_min=CONDA_FORGE_PYTHON_MIN,
            answer_error=answer_error,
            check_answers=check_answers,
            cluster=clusters.cluster,
            license_text=license_texts.license_text,
            repo_says=repo_answers.repo_says,
            license_choices=repo_answers.license_choices,
            template_folders=tree.template_folders,
            switched_off_dirs=tree.switched_off_dirs,
            in_git_repo=repo_answers.in_git_repo,
            update_outcome=copier_checks.update_outcome,
        )

    def preprocess(self, source, name, filename=None):
        """Under cookiecutter, keep answers literal and check them before the project folder.

        Template files come with a name; strings (answers, defaults, paths, hooks) without.
        """
        if name is not None or not self._under_cookiecutter or not _JINJA_MARKERS.search(source):
            return source
        literal = _jinja_literal(source)
        if source == TEMPLATE_DIR_NAME:
            # The project folder's name, the first thing cookiecutter renders from the answers in
            # every mode (--replay too) before it writes anything: check all answers here. Only
            # that render has `_cookiecutter`; an answer typed as this text stays literal.
            check = "{{ check_answers(cookiecutter) }}" + source
            return f"{{% if _cookiecutter is defined %}}{check}{{% else %}}{literal}{{% endif %}}"
        return source if _is_template_source(source) else literal
