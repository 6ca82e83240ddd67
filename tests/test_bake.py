"""Baking: the defaults and every licence give a clean, parseable repo."""

from __future__ import annotations

import tomllib

import pytest

from support import CHOICES, assert_repo_valid


def test_default_bake_is_valid(default_repo):
    assert_repo_valid(default_repo)


def test_default_bake_has_the_lab_layout(default_repo):
    expected = [
        "pyproject.toml",
        "setup.py",
        "MANIFEST.in",
        "README.md",
        "LICENSE",
        "CONTRIBUTING.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".copier-answers.yml",
        "my_project/__init__.py",
        "my_project/stats.py",
        "my_project/tests/test_stats.py",
        "examples/quickstart.ipynb",
    ]
    missing = [name for name in expected if not (default_repo / name).is_file()]
    assert not missing


def test_pyproject_follows_the_handbook(default_repo):
    pyproject = tomllib.loads((default_repo / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["name"] == "my-project"
    assert project["dynamic"] == ["version"]
    assert project["requires-python"] == ">=3.10"
    assert all(">=" in dep and "==" not in dep and "<" not in dep for dep in project["dependencies"])
    assert {"pytest", "myst_nb", "numpydoc", "build", "twine", "pre-commit"} <= {
        dep.split(">")[0] for dep in project["optional-dependencies"]["dev"]
    }
    setuptools = pyproject["tool"]["setuptools"]
    assert setuptools["include-package-data"] is True
    assert "my_project.examples" in setuptools["packages"]
    assert setuptools["package-dir"] == {"my_project.examples": "examples"}
    assert pyproject["tool"]["setuptools"]["package-data"] == {"my_project.examples": ["*.ipynb"]}
    assert "fallback_version" in pyproject["tool"]["setuptools_scm"]
    assert any(req.startswith("setuptools-scm") for req in pyproject["build-system"]["requires"])


@pytest.mark.parametrize("license_id", CHOICES["license"])
def test_every_licence_bakes_its_real_text(cookies, license_id):
    result = cookies.bake(extra_context={"license": license_id, "author_name": "Ada Lovelace"})
    assert result.exception is None, result.exception
    repo = result.project_path
    assert_repo_valid(repo)
    text = (repo / "LICENSE").read_text()
    first_words = {
        "BSD-3-Clause": "BSD 3-Clause License",
        "MIT": "MIT License",
        "Apache-2.0": "Apache License",
        "GPL-3.0-or-later": "GNU GENERAL PUBLIC LICENSE",
    }
    assert first_words[license_id] in text.splitlines()[0]
    assert len(text) > 1000
    assert tomllib.loads((repo / "pyproject.toml").read_text())["project"]["license"] == license_id
    if license_id in {"BSD-3-Clause", "MIT"}:
        assert "Ada Lovelace" in text
