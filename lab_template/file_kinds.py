"""Which of the template's files a repo owns, which the template owns, and which the two share.

The one place that says so. On adoption of an existing repo, and on every later update:

- STARTER files are a first version for the repo to make its own: written only where the repo
  has no such file (copier's ``_skip_if_exists``). The example code among them (``EXAMPLE_CODE``,
  whose ``__init__.py`` imports the example module) is written only into a package that is new,
  never into a package that the repo already has.
- INFRASTRUCTURE files are the template's: written over the repo's version, which the
  adoption summary says how to see.
- MERGED files keep the repo's entries and gain the template's (see ``lab_template.adoption``).

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
    "MANIFEST.in",
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
    "tools/template_update.py",
    "tools/update_citation.py",
    "tools/update_recipe.py",
)

# Line-based files merge by lines: the repo's lines, then the template's that it lacks.
MERGED = (
    "pyproject.toml",
    ".gitignore",
    ".gitattributes",
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


def copier_skip_if_exists() -> list[str]:
    """copier's ``_skip_if_exists``: the starter files, with the package as copier names it.

    Only while copying (adoption): an update merges the template's changes to a starter file
    with the repo's, as for any file, instead of never touching it again.
    """
    return [
        "{% if copier_operation() == 'copy' %}" + pattern.format(package="{{ package_name }}") + "{% endif %}"
        for pattern in STARTER
    ]
