"""Which of the template's files a repo owns, which the template owns, and which the two share.

The one place that says so. On adoption of an existing repo, and on every later update:

- STARTER files are a first version for the repo to make its own. A repo that takes the
  template over keeps its own (they are recorded in the answers file's ``omit``, which the
  template never writes), and gets no example code at all (``EXAMPLE_CODE``, whose
  ``__init__.py`` imports the example module) if it had a Python project of its own
  (``example_code: false``): see lab_template/adoption/answers.py.
- INFRASTRUCTURE files are the template's: written over the repo's version, which the
  adoption summary says how to see.
- MERGED files keep the repo's entries and gain the template's (lab_template/adoption/).

Paths are as the generated repo has them, with ``{package}`` for the package folder.
A test checks that every file of the template tree is in exactly one of the three.
"""

from __future__ import annotations

EXAMPLE_CODE = (
    "{package}/__init__.py",
    "{package}/__main__.py",
    "{package}/py.typed",
    "{package}/stats.py",
    "{package}/tests/__init__.py",
    "{package}/tests/test_main.py",
    "{package}/tests/test_package.py",
    "{package}/tests/test_stats.py",
    "examples/__init__.py",
    "examples/quickstart.ipynb",
)

STARTER = (
    *EXAMPLE_CODE,
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
    "CONTRIBUTING.md",
    "LICENSE",
    "docs/api.rst",
    "docs/changelog.md",
    "docs/conf.py",
    "docs/contributing.md",
    "docs/examples.md",
    "docs/hpc.md",
    "docs/index.md",
    "docs/installation.md",
    "docs/usage.md",
)

INFRASTRUCTURE = (
    ".copier-answers.yml",
    ".git_archival.txt",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/docs.yml",
    ".github/workflows/release.yml",
    ".github/workflows/template-update.yml",
    ".pre-commit-config.yaml",
    ".readthedocs.yaml",
    "RELEASING.md",
    "noxfile.py",
    "recipe/meta.yaml",
    "recipe/recipe.yaml",
    "setup.py",
    "slurm/array_job.sh",
    "slurm/check_gpus.py",
    "slurm/environment.sh",
    "slurm/interactive.sh",
    "slurm/run_job.sh",
    "slurm_log/.gitignore",
    "tools/release_check.py",
    "tools/template-update-requirements.txt",
    "tools/template_update.py",
    "tools/update_citation.py",
    "tools/update_recipe.py",
)

# Merged with the repo's version on adoption (lab_template/adoption/pyproject.py and files.py):
# the repo's entries stay, the template's that it lacks arrive.
MERGED = (
    "pyproject.toml",
    ".gitignore",
    ".gitattributes",
    "MANIFEST.in",
)

KINDS = {"starter": STARTER, "infrastructure": INFRASTRUCTURE, "merged": MERGED}


def paths(kind: str, package: str) -> list[str]:
    """The repo paths of one kind, for a package name."""
    return [pattern.format(package=package) for pattern in KINDS[kind]]


def kind_of(path: str, package: str) -> str | None:
    """'starter', 'infrastructure' or 'merged' for a repo path; None if the template has no such file."""
    for kind in KINDS:
        if path in paths(kind, package):
            return kind
    return None


def example_code(package: str) -> list[str]:
    """The repo paths of the example code, for a package name."""
    return [pattern.format(package=package) for pattern in EXAMPLE_CODE]


def example_code_folders(package: str) -> list[str]:
    """The template's folders that hold example code and nothing else ('<folder>/'): what is
    left out, whole, where the example code is off (a test checks they hold nothing else)."""
    return sorted({path.split("/")[0] + "/" for path in example_code(package)})
