#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Developer tasks, each in a fresh virtual environment; CI runs the same sessions.

    python -m pip install nox
    nox                # the default sessions: lint, tests
    nox -s tests       # the tests, on the Python that runs nox
    nox -s lint        # every pre-commit hook on every file
{%- if cookiecutter.docs != 'none' %}
    nox -s docs        # the HTML docs, warnings as errors, in docs/_build/html
{%- endif %}
    nox -s build       # the sdist and wheel in dist/, checked as a release is
    nox -s build -- --version 1.2.0   # the same, as the tag v1.2.0 will make them

Arguments after `--` go to the tool: `nox -s tests -- -k zscore`. `pipx run noxfile.py` or
`uv run noxfile.py` run it without installing nox.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"  # uv's if it is installed: faster
PROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def lint(session: nox.Session) -> None:
    """Run every pre-commit hook on every file."""
    session.install("pre-commit")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


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
