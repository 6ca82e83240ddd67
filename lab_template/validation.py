"""The rules every answer must follow, shared by cookiecutter's pre-gen hook and copier.

Standard library only: the hook runs in whatever Python cookiecutter was installed in.

Each rule returns ``None`` for a good value or a one-line message of the form
``<field>: <what is wrong> (got '<value>'; example: '<good value>')``.
"""

from __future__ import annotations

import keyword
import re
import sys

# The Python versions offered, each with the month its support ends ("Lifespan" in its release
# PEP: 619, 664, 693, 719, 745, 790).
PYTHON_END_OF_LIFE = {
    "3.10": "2026-10",
    "3.11": "2027-10",
    "3.12": "2028-10",
    "3.13": "2029-10",
    "3.14": "2030-10",
    "3.15": "2031-10",
}
SUPPORTED_PYTHONS = tuple(PYTHON_END_OF_LIFE)
# The default python_min follows one policy: the oldest Python not past its end of life on the
# day this template version is released. Move TEMPLATE_RELEASED forward at each template
# release; a test checks cookiecutter.json's default against default_python_min().
TEMPLATE_RELEASED = "2026-11-25"


def default_python_min(on: str = TEMPLATE_RELEASED) -> str:
    """The oldest supported Python whose end-of-life month is not before the date 'YYYY-MM-DD'."""
    return next(version for version, end in PYTHON_END_OF_LIFE.items() if end >= on[:7])


LICENSES = ("BSD-3-Clause", "MIT", "Apache-2.0", "GPL-3.0-or-later")
CLUSTERS = ("lumi", "puhti", "mahti", "turso", "roihu", "none")
DOCS = ("sphinx", "none")
CONDA_RECIPES = ("meta.yaml", "recipe.yaml")

# PEP 508 names; GitHub logins (alphanumerics and single inner hyphens, at most 39 characters).
_DIST_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_GITHUB_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_SLURM_WORD = re.compile(r"^[A-Za-z0-9_.-]+$")
_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
# GitHub repository names: letters, digits, '.', '_', '-', at most 100 characters.
_REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _escaped(ch: str) -> str:
    if ch in "'\\":
        return "\\" + ch
    return ch if ch.isprintable() else repr(ch)[1:-1]  # '\n', '\x1f', '\u200b'


def _quoted(text: str) -> str:
    """Text in single quotes, escaped as Python would: quotes, backslashes, unprintables."""
    return "'" + "".join(map(_escaped, text)) + "'"


def _error(field: str, problem: str, value: object, example: str) -> str:
    return f"{field}: {problem} (got {_quoted(str(value))}; example: {_quoted(example)})"


def _one_line_text(field: str, value: str, example: str) -> str | None:
    if not value.strip():
        return _error(field, "must not be empty", value, example)
    if not value.isprintable():  # also refuses newlines and tabs
        return _error(field, "must be one line of printable text", value, example)
    if any(marker in value for marker in ("{{", "{%", "{#")):
        # cookiecutter would evaluate them as Jinja before any hook sees the answer.
        return _error(field, "must not contain Jinja markers '{{', '{%' or '{#'", value, example)
    return None


def check_project_name(value: str) -> str | None:
    return _one_line_text("project_name", value, "Gaussian Processes Toolkit")


def check_package_name(value: str) -> str | None:
    example = "gp_toolkit"
    if not value.isidentifier():
        return _error("package_name", "must be a valid Python identifier", value, example)
    if value != value.lower():
        return _error("package_name", "must be lowercase", value, example)
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return _error("package_name", "must not be a Python keyword", value, example)
    if value in sys.stdlib_module_names:
        return _error("package_name", "must not shadow a standard-library module", value, example)
    return None


def check_distribution_name(value: str) -> str | None:
    if not _DIST_NAME.match(value):
        return _error(
            "distribution_name",
            "must be a valid PyPI project name (letters, digits, '.', '_', '-'; "
            "starting and ending with a letter or digit)",
            value,
            "gp-toolkit",
        )
    return None


def check_description(value: str) -> str | None:
    return _one_line_text("description", value, "Gaussian processes for busy researchers.")


def split_keywords(value: str) -> list[str]:
    """The keywords in a comma-separated answer, without surrounding spaces or empty ones."""
    return [part.strip() for part in value.split(",") if part.strip()]


def check_keywords(value: str) -> str | None:
    example = "gaussian processes, bayesian optimization"
    if message := _one_line_text("keywords", value, example):
        return message
    keywords = split_keywords(value)
    if not keywords:
        return _error("keywords", "must be at least one keyword, separated by commas", value, example)
    if len(set(keywords)) != len(keywords):
        return _error("keywords", "must not repeat a keyword", value, example)
    return None


def check_author_name(value: str) -> str | None:
    return _one_line_text("author_name", value, "Ada Lovelace")


def check_author_email(value: str) -> str | None:
    if not _EMAIL.match(value):
        return _error("author_email", "must be an email address", value, "ada.lovelace@helsinki.fi")
    return None


def _orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, the check character that ends every ORCID iD."""
    total = 0
    for digit in orcid.replace("-", "")[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return orcid[-1] == ("X" if check == 10 else str(check))


def check_author_orcid(value: str) -> str | None:
    """Empty (no ORCID iD), or the 16-character iD with a valid check character."""
    if value == "":
        return None
    example = "0000-0002-1825-0097"
    if not _ORCID.match(value):
        return _error(
            "author_orcid", "must be empty or an ORCID iD, four groups of four digits", value, example
        )
    if not _orcid_checksum_ok(value):
        return _error("author_orcid", "has a wrong check digit (the last character)", value, example)
    return None


def check_github_org(value: str) -> str | None:
    if not _GITHUB_ID.match(value):
        return _error("github_org", "must be a GitHub user or organisation name", value, "acerbilab")
    return None


def check_repo_name(value: str) -> str | None:
    if not _REPO_NAME.match(value) or value in {".", ".."}:
        return _error(
            "repo_name",
            "must be a GitHub repository name (letters, digits, '.', '_', '-'; at most 100)",
            value,
            "gp_toolkit",
        )
    return None


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> str | None:
    if value not in choices:
        return _error(field, f"must be one of {', '.join(choices)}", value, choices[0])
    return None


def check_license(value: str) -> str | None:
    return _check_choice("license", value, LICENSES)


def check_python_min(value: str) -> str | None:
    if value not in SUPPORTED_PYTHONS:
        return _error(
            "python_min",
            f"must be a supported Python '3.N' ({SUPPORTED_PYTHONS[0]} to {SUPPORTED_PYTHONS[-1]})",
            value,
            "3.11",
        )
    return None


def check_hpc_cluster(value: str) -> str | None:
    return _check_choice("hpc_cluster", value, CLUSTERS)


def check_slurm_account(value: str) -> str | None:
    if not _SLURM_WORD.match(value):
        return _error(
            "slurm_account",
            "must be letters, digits, '_', '.' or '-' only (no spaces or shell characters)",
            value,
            "project_465000000",
        )
    return None


def split_ids(value: str) -> list[str]:
    """The GitHub ids in a comma- or space-separated answer."""
    return [part for part in re.split(r"[\s,]+", value) if part]


def check_recipe_maintainers(value: str) -> str | None:
    ids = split_ids(value)
    if not ids or not all(_GITHUB_ID.match(i) for i in ids):
        return _error(
            "recipe_maintainers",
            "must be GitHub user ids separated by commas",
            value,
            "ada-lovelace, alan-turing",
        )
    return None


def check_conda_recipe(value: str) -> str | None:
    return _check_choice("conda_recipe", value, CONDA_RECIPES)


def check_docs(value: str) -> str | None:
    return _check_choice("docs", value, DOCS)


RULES = {
    "project_name": check_project_name,
    "package_name": check_package_name,
    "distribution_name": check_distribution_name,
    "description": check_description,
    "keywords": check_keywords,
    "author_name": check_author_name,
    "author_email": check_author_email,
    "author_orcid": check_author_orcid,
    "github_org": check_github_org,
    "repo_name": check_repo_name,
    "license": check_license,
    "python_min": check_python_min,
    "hpc_cluster": check_hpc_cluster,
    "slurm_account": check_slurm_account,
    "recipe_maintainers": check_recipe_maintainers,
    "conda_recipe": check_conda_recipe,
    "docs": check_docs,
}


def answer_error(field: str, value: object) -> str:
    """The message for one answer, or "" if it is good (copier's validator contract)."""
    return RULES[field](str(value)) or ""


def first_error(answers: dict) -> str | None:
    """The message for the first bad answer, in question order, or None."""
    for field, rule in RULES.items():
        if field in answers and (message := rule(str(answers[field]))):
            return message
    return None


def exit_on_bad_answers(answers: dict) -> None:
    """Print the first bad answer's message as one ``error:`` line, and exit with status 1."""
    if message := first_error(answers):
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1)
