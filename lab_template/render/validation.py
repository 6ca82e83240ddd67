"""The rules every answer must follow, shared by cookiecutter and copier.

Standard library only: the rules run in whatever Python cookiecutter or copier was installed in.

Each rule returns ``None`` for a good value or a one-line message of the form
``<field>: <what is wrong> (got '<value>'; example: '<good value>')``.
"""

from __future__ import annotations

import difflib
import json
import keyword
import re
import sys
import unicodedata

from lab_template import TEMPLATE_ROOT
from lab_template.render.clusters import RETIRED
from lab_template.render.stdlib_names import STDLIB_MODULES

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


# cookiecutter.json, read once for all of lab_template (each tool's copy of the template reads
# its own).
COOKIECUTTER_JSON: dict = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
# The choices of every choice question, as cookiecutter.json lists them: the one list of the
# licences, clusters, docs and recipe formats.
CHOICES: dict[str, tuple[str, ...]] = {
    name: tuple(value)
    for name, value in COOKIECUTTER_JSON.items()
    if isinstance(value, list) and not name.startswith("_")
}

# Every pattern is ASCII-only and used with fullmatch: with IGNORECASE alone, [A-Z] also matches
# the Kelvin sign and the long s, which the build tools do not take for letters.
_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
_DIST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", re.ASCII)  # PEP 508
# GitHub logins: alphanumerics and single inner hyphens, at most 39 characters.
_GITHUB_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", re.ASCII)
# An ASCII address (RFC 5322 dot-atom @ domain): what setuptools writes into the metadata;
# it refuses a comma, a non-ASCII local part or an invisible character.
_EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,63}}", re.ASCII)
_SLURM_WORD = re.compile(r"[A-Za-z0-9_.-]+", re.ASCII)
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.ASCII)
# GitHub repository names: letters, digits, '.', '_', '-', at most 100 characters.
_REPO_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)

# Names become folders and file names (sdist, wheel, .dist-info: well inside a file system's
# 255-byte limit, with the version added), and parts of lines of the generated Python: the
# longest name with which those stay within its ruff line length (a test bakes one).
MAX_NAME_LENGTH = 49
MAX_TEXT_LENGTH = 100  # project and author names: a title, a line of a licence
MAX_SUMMARY_LENGTH = 512  # PyPI refuses a longer summary (the description)

# Import names a package must not take, so that it does not shadow what its own repo installs
# and runs: the dependencies, build backend and extras of the generated pyproject.toml (a test
# checks that), pip, and the standard library's `test` package (not in stdlib_module_names).
TOOL_PACKAGES = frozenset(
    {
        "build",
        "mypy",
        "myst_nb",
        "nox",
        "numpy",
        "numpydoc",
        "pip",
        "pre_commit",
        "prek",
        "pydata_sphinx_theme",
        "pytest",
        "ruff",
        "setuptools",
        "setuptools_scm",
        "sphinx",
        "test",
        "tests",
        "twine",
        "uv",
        "wheel",
    }
)
# Not printable to str.isprintable, yet ordinary in text: the spaces (no-break, narrow no-break,
# ideographic) and the zero-width non-joiner and joiner (Persian, Indic scripts, emoji sequences).
_JOINERS = frozenset({"\u200c", "\u200d"})


def _escaped(ch: str) -> str:
    if ch in "'\\":
        return "\\" + ch
    return ch if ch.isprintable() else repr(ch)[1:-1]  # '\n', '\x1f', '\u200b'


def _quoted(text: str) -> str:
    """Text in single quotes, escaped as Python would: quotes, backslashes, unprintables."""
    return "'" + "".join(map(_escaped, text)) + "'"


def _error(field: str, problem: str, value: object, example: str) -> str:
    text = str(value)
    got = _quoted(text)
    if len(text) > 80:  # the message stays one readable line
        got = f"{len(text)} characters starting {_quoted(text[:60])}"
    return f"{field}: {problem} (got {got}; example: {_quoted(example)})"


def _is_text_character(ch: str) -> bool:
    return ch.isprintable() or ch in _JOINERS or unicodedata.category(ch) == "Zs"


def _one_line_text(field: str, value: str, example: str, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    if not any(not ch.isspace() and ch not in _JOINERS for ch in value):
        return _error(field, "must not be empty", value, example)
    if not all(map(_is_text_character, value)):  # newlines, tabs, invisible format characters
        return _error(field, "must be one line of printable text", value, example)
    if any(marker in value for marker in ("{{", "{%", "{#")):
        # Answers are text: neither tool evaluates them, and the template files would.
        return _error(field, "must not contain Jinja markers '{{', '{%' or '{#'", value, example)
    if len(value.strip()) > max_length:
        return _error(field, f"must be at most {max_length} characters", value, example)
    return None


def check_project_name(value: str) -> str | None:
    return _one_line_text("project_name", value, "Gaussian Processes Toolkit")


def check_package_name(value: str) -> str | None:
    example = "gp_toolkit"
    if not value:
        # The default keeps only the project name's Latin letters and digits.
        problem = "must not be empty (give it when project_name has no Latin letters or digits)"
        return _error("package_name", problem, value, example)
    if not _PACKAGE_NAME.fullmatch(value):
        problem = "must be lowercase ASCII letters, digits and '_', starting with a letter"
        return _error("package_name", problem, value, example)
    if len(value) > MAX_NAME_LENGTH:
        return _error("package_name", f"must be at most {MAX_NAME_LENGTH} characters", value, example)
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return _error("package_name", "must not be a Python keyword", value, example)
    if value in STDLIB_MODULES:
        return _error("package_name", "must not shadow a standard-library module", value, example)
    if value in TOOL_PACKAGES:
        problem = "must not shadow a package the repo installs or runs (its dependencies and tools)"
        return _error("package_name", problem, value, example)
    return None


def normalized_distribution_name(name: str) -> str:
    """'My.Project' -> 'my-project' (PEP 503): the name pip and PyPI compare."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_distribution_name(value: str) -> str | None:
    example = "gp-toolkit"
    if not _DIST_NAME.fullmatch(value):
        return _error(
            "distribution_name",
            "must be a valid PyPI project name (ASCII letters, digits, '.', '_', '-'; "
            "starting and ending with a letter or digit)",
            value,
            example,
        )
    if len(value) > MAX_NAME_LENGTH:
        return _error("distribution_name", f"must be at most {MAX_NAME_LENGTH} characters", value, example)
    if normalized_distribution_name(value) in {normalized_distribution_name(n) for n in TOOL_PACKAGES}:
        problem = "must not be the name of a package the repo installs or runs (pip could not install it)"
        return _error("distribution_name", problem, value, example)
    return None


def check_description(value: str) -> str | None:
    example = "Gaussian processes for busy researchers."
    return _one_line_text("description", value, example, max_length=MAX_SUMMARY_LENGTH)


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
    if not _EMAIL.fullmatch(value):
        problem = "must be an ASCII email address (name@domain, no spaces or commas)"
        return _error("author_email", problem, value, "ada.lovelace@helsinki.fi")
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
    if not _ORCID.fullmatch(value):
        return _error(
            "author_orcid", "must be empty or an ORCID iD, four groups of four digits", value, example
        )
    if not _orcid_checksum_ok(value):
        return _error("author_orcid", "has a wrong check digit (the last character)", value, example)
    return None


def check_github_org(value: str) -> str | None:
    if not _GITHUB_ID.fullmatch(value):
        return _error("github_org", "must be a GitHub user or organisation name", value, "acerbilab")
    return None


def check_repo_name(value: str) -> str | None:
    if not _REPO_NAME.fullmatch(value) or value in {".", ".."}:
        return _error(
            "repo_name",
            "must be a GitHub repository name (letters, digits, '.', '_', '-'; at most 100)",
            value,
            "gp_toolkit",
        )
    return None


def _check_choice(field: str, value: str) -> str | None:
    choices = CHOICES[field]
    if value not in choices:
        return _error(field, f"must be one of {', '.join(choices)}", value, choices[0])
    return None


def _spdx_expression(value: str) -> bool:
    """Whether value is a valid SPDX licence expression (packaging's check, where installed)."""
    try:
        from packaging.licenses import canonicalize_license_expression
    except ImportError:  # packaging < 24.2, or none: only the template's choices
        return False
    try:
        canonicalize_license_expression(value)
    except ValueError:  # InvalidLicenseExpression
        return False
    return True


def check_license(value: str) -> str | None:
    """One of the template's choices, which it has a text for; or, for a repo that adopts the
    template and keeps its own licence file, that licence's SPDX expression (copier offers it as a
    choice then: lab_template/adoption/answers.py)."""
    if value in CHOICES["license"] or _spdx_expression(value):
        return None
    return _check_choice("license", value)


def check_python_min(value: str) -> str | None:
    if value not in SUPPORTED_PYTHONS:
        problem = f"must be a supported Python '3.N' ({SUPPORTED_PYTHONS[0]} to {SUPPORTED_PYTHONS[-1]})"
        if any(version.rstrip("0") == value for version in SUPPORTED_PYTHONS):
            # A YAML data file's python_min: 3.10 is the number 3.1.
            problem += f"; in a YAML file, quote it: '{value}0'"
        return _error("python_min", problem, value, "3.11")
    return None


def check_hpc_cluster(value: str) -> str | None:
    if value in RETIRED:
        retired = RETIRED[value]
        problem = (
            f"{retired['name']} is retired (its computing shut down on {retired['shut_down']}); "
            f"{retired['successor']} replaces it"
        )
        return _error("hpc_cluster", problem, value, retired["successor"])
    return _check_choice("hpc_cluster", value)


def check_slurm_account(value: str) -> str | None:
    if not _SLURM_WORD.fullmatch(value):
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
    if not ids or not all(_GITHUB_ID.fullmatch(i) for i in ids):
        return _error(
            "recipe_maintainers",
            "must be GitHub user ids separated by commas",
            value,
            "ada-lovelace, alan-turing",
        )
    return None


def check_conda_recipe(value: str) -> str | None:
    return _check_choice("conda_recipe", value)


def check_docs(value: str) -> str | None:
    return _check_choice("docs", value)


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


# The decisions that copier records beside the answers (lab_template/render/copier_questions.py):
# which of the template's files a repo takes. Their values are a boolean and a list, not text.


def check_example_code(value: object) -> str | None:
    if not isinstance(value, bool) and str(value).lower() not in {"true", "false"}:
        return _error("example_code", "must be true or false", value, "false")
    return None


def check_omit(value: object) -> str | None:
    """A list of the template's paths, relative to the repo's root, '/'-separated; given with
    --data, the list's YAML text (copier parses it after the template's checks of --data)."""
    if isinstance(value, str):
        import yaml  # both tools depend on PyYAML

        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            pass
    paths = value if isinstance(value, list) else None
    bad = [
        path
        for path in paths or []
        if not isinstance(path, str)
        or not path.strip("/")
        or path.startswith("/")
        or any(part in {"", ".", ".."} for part in path.rstrip("/").split("/"))
    ]
    if paths is None or bad:
        return _error(
            "omit",
            "must be a list of the template's paths relative to the repo's root, such as docs/ or "
            "README.md (no leading '/', no '..')",
            bad[0] if bad else value,
            "[docs/, README.md]",
        )
    return None


DECISION_RULES = {
    "example_code": check_example_code,
    "omit": check_omit,
}


def answer_error(field: str, value: object) -> str:
    """The message for one answer, or "" if it is good (copier's validator contract)."""
    if field in DECISION_RULES:
        return DECISION_RULES[field](value) or ""
    return RULES[field](str(value)) or ""


def first_error(answers: dict) -> str | None:
    """The message for the first bad answer, in question order, or None."""
    for field in (*RULES, *DECISION_RULES):
        if field in answers and (message := answer_error(field, answers[field])):
            return message
    return None


def unknown_question_error(answers: dict) -> str | None:
    """The message for the first answer to no question (a misspelled name), or None."""
    known = (*RULES, *DECISION_RULES)
    for field in answers:
        if not field.startswith("_") and field not in known:
            close = difflib.get_close_matches(field, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the questions are {', '.join(known)}"
            return f"{field}: is not a question of this template; {hint}"
    return None


def exit_on_bad_answers(answers: dict, *, only_questions: bool = False) -> None:
    """Print the first bad answer's message as one ``error:`` line, and exit with status 1.

    With only_questions, an answer to no question is bad too.
    """
    if message := (only_questions and unknown_question_error(answers)) or first_error(answers):
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1)
