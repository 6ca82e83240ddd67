"""Answers as a person gives them: the repository name, and an interactive run with a bad answer."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from support import TEMPLATE_ROOT, bake_cookiecutter, bake_copier, files_of, mentions

GITHUB_URL = re.compile(r"github\.(com|io)/")


@pytest.mark.parametrize("bake", [bake_cookiecutter, bake_copier], ids=["cookiecutter", "copier"])
def test_every_github_url_and_the_trusted_publisher_use_the_repo_name(bake, tmp_path):
    repo = bake(tmp_path / "out", distribution_name="pyvbmc-dist", repo_name="pyvbmc")
    # Every link to the repository and its docs site names the repository, not the PyPI name.
    urls = [line for line in mentions(repo, GITHUB_URL) if "acerbilab" in line]
    # The README's step "create the repository" names the owner and the repository apart.
    urls.remove("README.md: https://github.com/new: owner `acerbilab`, name `pyvbmc`; then")
    assert urls and all("acerbilab/pyvbmc" in line or "acerbilab.github.io/pyvbmc/" in line for line in urls)
    assert not mentions(repo, re.compile(r"acerbilab[/.].*pyvbmc-dist"))
    readme = files_of(repo)["README.md"].decode()
    assert "| Repository name | `pyvbmc` | `pyvbmc` |" in readme
    assert "| PyPI project name | `pyvbmc-dist` | `pyvbmc-dist` |" in readme
    assert "gh repo create acerbilab/pyvbmc " in readme
    assert "cd pyvbmc\n" in files_of(repo)["CONTRIBUTING.md"].decode()


def test_repo_name_defaults_to_the_package_name(default_repo):
    assert "https://github.com/acerbilab/my_project/issues" in (default_repo / "pyproject.toml").read_text()


def test_an_interactive_run_stops_at_the_first_bad_answer(tmp_path):
    # The second question gets a keyword; had cookiecutter gone on, it would ask the rest.
    typed = "My Project\nclass\n" + "\n" * 20
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--output-dir", tmp_path / "out", TEMPLATE_ROOT],
        input=typed, capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert output.rstrip().endswith(
        "error: package_name: must not be a Python keyword (got 'class'; example: 'gp_toolkit')"
    ), output
    assert "[3/" not in output, "asked the next question after the bad answer"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_every_question_is_checked_as_soon_as_it_is_answered():
    """cookiecutter renders private values in order, between the questions: one after each."""
    keys = list(json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text()))
    questions = [key for key in keys if not key.startswith("_")]
    assert [keys[keys.index(q) + 1] for q in questions] == [f"__{q}_checked" for q in questions]
