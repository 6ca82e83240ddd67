#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Developer tasks, each in a fresh virtual environment; CI runs the same sessions.

    uvx nox            # the default sessions: lint, tests (or `nox`, installed with pip)
    uvx nox -s tests   # the tests, on the Python that runs nox
    uvx nox -s lint    # every hook of .pre-commit-config.yaml on every file, the manual ones too
{%- if cookiecutter.docs != 'none' %}
    uvx nox -s docs    # the HTML docs, warnings as errors, in docs/_build/html
{%- endif %}
    uvx nox -s build   # the sdist and wheel in dist/, checked as a release is
    uvx nox -s build -- --version 1.2.0   # the same, as the tag v1.2.0 will make them

Arguments after `--` go to the tool: `uvx nox -s tests -- -k zscore`. With uv installed, nox
makes the environments with it, much faster; without, with virtualenv and pip.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"  # uv's if it is installed: faster
PROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def lint(session: nox.Session) -> None:
    """Run every hook on every file, as CI does: the commit hooks and the manual (CI-only) ones."""
    session.install("prek")
    hooks = ["--all-files", "--stage", "manual", "--show-diff-on-failure"]
    session.run("prek", "run", *hooks, *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the tests against an editable install of the package."""
    session.install("-e", ".", *nox.project.dependency_groups(PROJECT, "test"))
    session.run("python", "-m", "pytest", *session.posargs)
{%- if cookiecutter.docs != 'none' %}


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the HTML docs as CI does, running the example notebooks."""
    session.install(".", *nox.project.dependency_groups(PROJECT, "docs"))
    html = ["-W", "--keep-going", "-b", "html", "docs", "docs/_build/html"]
    session.run("python", "-m", "sphinx", *html, *session.posargs)
{%- endif %}


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and wheel into an empty dist/ and check them (tools/release_check.py);
    `-- --version X.Y.Z` builds and checks them as the tag vX.Y.Z will make them."""
    session.install("build", "twine")
    session.run("python", "tools/release_check.py", "build", *session.posargs)
    session.run("python", "tools/release_check.py", "check", *session.posargs)


if __name__ == "__main__":
    nox.main()
