"""Baking: the defaults and every licence give a clean, parseable repo."""

from __future__ import annotations

import datetime
import tomllib

import pytest

from lab_template.render.license_texts import LICENSES_DIR
from lab_template.render.validation import SUPPORTED_PYTHONS
from support import CHOICES, QUESTIONS, assert_repo_valid, bake_in_process, run


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
    assert project["requires-python"] == f">={QUESTIONS['python_min']}"
    assert all(">=" in dep and "==" not in dep and "<" not in dep for dep in project["dependencies"])
    # dev: the docs extra, and the tools that CONTRIBUTING.md and RELEASING.md run.
    assert {"my-project[docs]", "pytest", "ruff", "mypy", "nox", "build", "twine", "pre-commit"} == {
        dep.split(">")[0] for dep in project["optional-dependencies"]["dev"]
    }
    setuptools = pyproject["tool"]["setuptools"]
    assert setuptools["include-package-data"] is True
    assert "my_project.examples" in setuptools["packages"]
    assert setuptools["package-dir"] == {"my_project.examples": "examples"}
    assert pyproject["tool"]["setuptools"]["package-data"]["my_project.examples"] == ["*.ipynb"]
    assert "fallback_version" in pyproject["tool"]["setuptools_scm"]
    assert any(req.startswith("setuptools-scm") for req in pyproject["build-system"]["requires"])


@pytest.mark.parametrize("license_id", CHOICES["license"])
def test_every_licence_bakes_its_real_text(cookies, license_id):
    repo = bake_in_process(cookies, license=license_id, author_name=" Ada Lovelace ")
    assert_repo_valid(repo)
    ours = (LICENSES_DIR / f"{license_id}.txt").read_text()
    year = str(datetime.datetime.now(datetime.UTC).year)
    expected = ours.replace("[year]", year).replace("[fullname]", "Ada Lovelace")
    assert (repo / "LICENSE").read_text() == expected
    assert tomllib.loads((repo / "pyproject.toml").read_text())["project"]["license"] == license_id


def test_generated_code_passes_its_own_checks(default_repo):
    """What the repo's pre-commit hooks run on the first commit, with the repo's own settings."""
    run("ruff", "check", "--no-cache", ".", cwd=default_repo)
    run("ruff", "format", "--check", "--no-cache", ".", cwd=default_repo)
    run("pre-commit", "validate-config", ".pre-commit-config.yaml", cwd=default_repo)


# Every value of every question that changes which files exist or what they say; the licences
# and clusters have their own tests.
CHOICE_BAKES = [
    *({"python_min": version} for version in SUPPORTED_PYTHONS),
    {"docs": "readthedocs", "conda_recipe": "meta.yaml"},
    {"docs": "none"},
    {"docs": "none", "hpc_cluster": "none"},
]


@pytest.mark.parametrize(
    "answers", CHOICE_BAKES, ids=lambda answers: ",".join(f"{k}={v}" for k, v in answers.items())
)
def test_every_choice_bakes_a_clean_repo(cookies, answers):
    repo = bake_in_process(cookies, **answers)
    assert_repo_valid(repo)
    run("ruff", "check", "--no-cache", ".", cwd=repo)
    run("ruff", "format", "--check", "--no-cache", ".", cwd=repo)
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    python_min = answers.get("python_min", QUESTIONS["python_min"])
    assert pyproject["project"]["requires-python"] == f">={python_min}"
    classifiers = [
        c for c in pyproject["project"]["classifiers"] if c.count(".") == 1 and "Python :: 3." in c
    ]
    assert classifiers[0].endswith(python_min) and classifiers[-1].endswith(SUPPORTED_PYTHONS[-1])
