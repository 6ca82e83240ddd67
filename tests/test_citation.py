"""CITATION.cff: valid for cffconvert (as the generated pre-commit hook runs it), filled from the
answers, and kept at the released version by tools/update_citation.py and the release check."""

from __future__ import annotations

import datetime
import sys

import pytest
import yaml

from support import (
    RELEASE_VERSIONS,
    assert_repo_valid,
    bake_in_process,
    copy_tree,
    git_commit_all,
    make_venv,
    run,
)

AWKWARD = {
    "project_name": 'GP "toolkit": #1',
    "author_name": "Plato",  # one word: a family name only
    "author_orcid": "0000-0002-1694-233X",  # check character X
    "keywords": "gaussian processes, Bayes' rule, x: y",
    "docs": "none",
}


@pytest.fixture(scope="session")
def cffconvert(default_repo, tmp_path_factory):
    """cffconvert in a venv of its own (it needs jsonschema<4), the version the hook pins."""
    config = yaml.safe_load((default_repo / ".pre-commit-config.yaml").read_text())
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "validate-cff"]
    python = make_venv(tmp_path_factory.mktemp("cffconvert") / "venv", *hook["additional_dependencies"])
    assert hook["entry"] == "cffconvert --validate"
    return python.parent / "cffconvert"


def citation(repo) -> dict:
    return yaml.safe_load((repo / "CITATION.cff").read_text())


def test_default_citation_is_valid_and_from_the_answers(default_repo, cffconvert):
    run(cffconvert, "--validate", cwd=default_repo)
    cff = citation(default_repo)
    assert cff["title"] == "My Project"
    assert cff["authors"] == [{"given-names": "Your", "family-names": "Name", "email": "you@example.org"}]
    assert cff["license"] == "BSD-3-Clause"
    assert cff["repository-code"] == "https://github.com/acerbilab/my_project"
    assert cff["url"] == "https://acerbilab.github.io/my_project/"
    assert cff["keywords"] == ["science", "research"]
    assert cff["version"] == "0.1.0"
    readme = (default_repo / "README.md").read_text()
    assert "## Citing" in readme and "(CITATION.cff)" in readme


def test_awkward_answers_give_a_valid_citation(cookies, cffconvert):
    repo = bake_in_process(cookies, **AWKWARD)
    assert_repo_valid(repo)
    run(cffconvert, "--validate", cwd=repo)
    cff = citation(repo)
    assert cff["title"] == AWKWARD["project_name"]
    assert cff["authors"] == [
        {
            "family-names": "Plato",
            "email": "you@example.org",
            "orcid": "https://orcid.org/0000-0002-1694-233X",
        }
    ]
    assert cff["keywords"] == ["gaussian processes", "Bayes' rule", "x: y"]
    assert "url" not in cff  # no docs site


def test_cffconvert_can_fail(default_repo, cffconvert, tmp_path):
    repo = copy_tree(default_repo, tmp_path / "repo")
    text = (repo / "CITATION.cff").read_text()
    (repo / "CITATION.cff").write_text(text.replace("license: BSD-3-Clause", "license: BSD"))
    assert run(cffconvert, "--validate", cwd=repo, check=False).returncode != 0


def test_update_citation_writes_the_version_and_date(default_repo, cffconvert, tmp_path):
    repo = copy_tree(default_repo, tmp_path / "repo")
    run(sys.executable, "tools/update_citation.py", "v1.2.0", "--date", "2027-03-04", cwd=repo)
    cff = citation(repo)
    assert (cff["version"], cff["date-released"]) == ("1.2.0", "2027-03-04")
    run(cffconvert, "--validate", cwd=repo)
    # Again, for the next release: the lines are replaced, not added.
    run(sys.executable, "tools/update_citation.py", "1.3.0", cwd=repo)
    text = (repo / "CITATION.cff").read_text()
    assert text.count("\nversion:") == 1 and text.count("\ndate-released:") == 1
    assert citation(repo)["date-released"] == datetime.date.today().isoformat()
    before = text
    run(sys.executable, "tools/update_citation.py", "1.3.0", cwd=repo)
    assert (repo / "CITATION.cff").read_text() == before
    for wrong in ("latest", "1.0-rc1"):  # the second, not as the wheel spells it (1.0rc1)
        result = run(sys.executable, "tools/update_citation.py", wrong, cwd=repo, check=False)
        assert result.returncode != 0 and "is not a version as PyPI spells it" in result.stderr


@pytest.mark.parametrize("version", RELEASE_VERSIONS)
def test_update_citation_writes_every_version_as_text(default_repo, cffconvert, tmp_path, version):
    """Read back by a YAML parser, and by cffconvert as GitHub's "Cite this repository" and
    Zenodo show it: 1.10 stays 1.10, not the number 1.1."""
    repo = copy_tree(default_repo, tmp_path / "repo")
    run(sys.executable, "tools/update_citation.py", version, "--date", "2027-03-04", cwd=repo)
    assert citation(repo)["version"] == version
    apa = run(cffconvert, "--format", "apalike", cwd=repo).stdout
    assert f"(version {version})" in apa


def test_release_check_refuses_a_tag_the_citation_does_not_name(released_repo, tmp_path):
    repo = copy_tree(released_repo, tmp_path / "repo")
    run(sys.executable, "tools/release_check.py", "check", "--version", "0.1.0", cwd=repo)
    run(sys.executable, "tools/update_citation.py", "0.0.9", cwd=repo)
    result = run(
        sys.executable, "tools/release_check.py", "check", "--version", "0.1.0", cwd=repo, check=False
    )
    assert result.returncode != 0
    assert "CITATION.cff names version 0.0.9, not 0.1.0" in result.stderr
    assert "python tools/update_citation.py 0.1.0" in result.stderr
    # A dry run (no --version) does not ask for it.
    run(sys.executable, "tools/release_check.py", "check", cwd=repo)


def test_release_check_compares_the_citations_version_as_text(released_repo, tmp_path):
    """`version: 1.10`, unquoted, names 1.1 to YAML (and to Zenodo): the check refuses it."""
    repo = copy_tree(released_repo, tmp_path / "repo")
    run(sys.executable, "tools/update_citation.py", "1.10", cwd=repo)
    git_commit_all(repo, "Release 1.10")
    run(sys.executable, "tools/release_check.py", "build", "--version", "1.10", cwd=repo)
    run(sys.executable, "tools/release_check.py", "check", "--version", "1.10", cwd=repo)
    text = (repo / "CITATION.cff").read_text()
    (repo / "CITATION.cff").write_text(text.replace('version: "1.10"', "version: 1.10"))
    result = run(
        sys.executable, "tools/release_check.py", "check", "--version", "1.10", cwd=repo, check=False
    )
    assert result.returncode != 0
    assert "CITATION.cff's version 1.10 is not quoted, so YAML reads the number 1.1" in result.stderr
