"""The conda-forge recipe in conda-build's format (conda_recipe=meta.yaml), and
tools/update_recipe.py.

The recipe is rendered as conda-build renders it (support.render_conda_recipe: its Jinja, then
its line selectors), checked against pyproject.toml, and compared with the recipe grayskull
writes for the same built sdist. tests/test_recipe_v1.py checks that the v1 recipe (the
default) says the same.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib

import pytest
import yaml

from support import bake_in_process, copy_tree, git_commit_all, render_conda_recipe, run

# Answers unlike the defaults: a Python above conda-forge's minimum, a dotted mixed-case
# distribution name, free text that YAML, Jinja and conda-build's selectors would misread (a
# "#" before "[...]"), two maintainers.
UNUSUAL_ANSWERS = {
    "project_name": "GP toolkit",
    "distribution_name": "Gp.Tool_kit",
    "description": 'Say "hi": #1 - [a, b] & *x* \\ {not: a map}',
    "license": "MIT",
    "python_min": "3.12",
    "recipe_maintainers": "ada-lovelace, alan-turing",
    "docs": "none",
}
# Where the recipe and grayskull's differ on purpose, and why: not compared.
NOT_COMPARED = {
    "source": "grayskull points at the local sdist it read; the recipe at the sdist on PyPI, "
    "where conda-forge downloads it",
    "build.script": "conda-forge builds pure-Python packages with --no-deps --no-build-isolation "
    "(its linter asks for them); grayskull 3.2 leaves them out for a local sdist",
    "about.description, about.doc_url, about.dev_url": "grayskull fills only what the sdist's metadata holds",
    "set python_min": "grayskull always sets python_min from requires-python; conda-forge's docs "
    "say to set it only above the global python_min. Compared after rendering, where they agree",
}
COMPARED = [
    "package",
    "build.noarch",
    "build.number",
    "requirements.host",
    "requirements.run",
    "test.imports",
    "test.commands",
    "test.requires",
    "about.home",
    "about.summary",
    "about.license",
    "about.license_file",
    "extra.recipe-maintainers",
]


def recipe_text(repo) -> str:
    return (repo / "recipe" / "meta.yaml").read_text()


def rendered(text: str) -> dict:
    return yaml.safe_load(render_conda_recipe(text))


def field(recipe: dict, dotted: str):
    value = recipe
    for key in dotted.split("."):
        value = value[key]
    # Requirement lists are sets: their order means nothing to conda.
    return sorted(value) if dotted.startswith(("requirements.", "test.requires")) else value


def conda_spec(requirement: str) -> str:
    """'numpy>=1.24' -> 'numpy >=1.24': a PEP 508 requirement as conda writes it."""
    name, versions = re.fullmatch(r"([A-Za-z0-9._-]+)\s*(.*)", requirement).groups()
    return f"{name.lower()} {versions.replace(' ', '')}".strip()


def allow_grayskull_known_issues(theirs: dict, ours: dict) -> None:
    """Undo in grayskull's recipe what grayskull 3.2 gets wrong, each for the reason given."""
    # conda-forge's linter wants lowercase package names; grayskull keeps a local sdist's case.
    theirs["package"]["name"] = theirs["package"]["name"].lower()
    # grayskull writes the summary unquoted, so YAML reads a " #" in it as a comment's start.
    summary = ours["about"]["summary"]
    if " #" in summary and theirs["about"]["summary"] == summary.split(" #", 1)[0]:
        theirs["about"]["summary"] = summary


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


META = {"conda_recipe": "meta.yaml"}


@pytest.fixture(scope="module")
def meta_repo(cookies_session):
    """The default answers, with conda-build's recipe."""
    return bake_in_process(cookies_session, **META)


def released(baked, folder):
    """A copy of a baked repo, committed, tagged v0.1.0 and built by the release script."""
    repo = copy_tree(baked, folder / "repo")
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.1.0", cwd=repo)
    run(sys.executable, "tools/release_check.py", "build", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def meta_release(meta_repo, tmp_path_factory):
    return released(meta_repo, tmp_path_factory.mktemp("meta"))


@pytest.fixture(scope="module")
def unusual_release(cookies_session, tmp_path_factory):
    """A repo baked with UNUSUAL_ANSWERS, tagged v0.1.0 and built by the release script."""
    baked = bake_in_process(cookies_session, **UNUSUAL_ANSWERS, **META)
    return released(baked, tmp_path_factory.mktemp("unusual"))


def test_recipe_has_what_conda_forge_asks_for(meta_repo):
    text = recipe_text(meta_repo)
    assert text.startswith('{% set name = "my-project" %}\n{% set version = "0.1.0" %}\n')
    # The default python_min is above conda-forge's own (3.10), so the recipe sets it.
    assert '{% set python_min = "3.11" %}' in text
    recipe = rendered(text)
    assert recipe["package"] == {"name": "my-project", "version": "0.1.0"}
    assert recipe["source"]["url"] == "https://pypi.org/packages/source/m/my-project/my_project-0.1.0.tar.gz"
    assert re.fullmatch(r"[0-9a-f]{64}", recipe["source"]["sha256"])
    assert recipe["build"] == {
        "noarch": "python",
        "number": 0,
        "script": "$PYTHON -m pip install . -vv --no-deps --no-build-isolation",
    }
    assert recipe["requirements"]["host"][:2] == ["python 3.11.*", "pip"]
    assert recipe["requirements"]["run"][0] == "python >=3.11"
    assert recipe["test"] == {
        "imports": ["my_project"],
        "commands": ["pip check"],
        "requires": ["pip", "python 3.11.*"],
    }
    assert set(recipe["about"]) == {
        "home",
        "summary",
        "description",
        "license",
        "license_file",
        "doc_url",
        "dev_url",
    }
    assert (meta_repo / recipe["about"]["license_file"]).is_file()
    assert recipe["extra"] == {"recipe-maintainers": ["your-github-id"]}


@pytest.mark.parametrize("answers", [{}, UNUSUAL_ANSWERS], ids=["defaults", "unusual"])
def test_recipe_says_what_pyproject_says(cookies, answers):
    repo = bake_in_process(cookies, **answers, **META)
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    project, urls = pyproject["project"], pyproject["project"]["urls"]
    recipe = rendered(recipe_text(repo))
    python_min = project["requires-python"].removeprefix(">=")
    assert recipe["requirements"]["host"] == [
        f"python {python_min}.*",
        "pip",
        *(conda_spec(r) for r in pyproject["build-system"]["requires"]),
    ]
    assert recipe["requirements"]["run"] == [
        f"python >={python_min}",
        *(conda_spec(r) for r in project["dependencies"]),
    ]
    assert recipe["test"]["requires"] == ["pip", f"python {python_min}.*"]
    assert recipe["test"]["imports"] == [pyproject["tool"]["setuptools"]["packages"][0]]
    assert recipe["package"]["name"] == project["name"].lower()
    about = recipe["about"]
    assert about["summary"] == project["description"]
    assert about["description"].startswith(project["description"])
    assert about["license"] == project["license"]
    assert (about["home"], about["dev_url"]) == (urls["Homepage"], urls["Source"])
    assert about["doc_url"] == urls.get("Documentation", urls["Homepage"] + "#readme")


def test_recipe_sets_python_min_only_above_conda_forges(cookies, unusual_release):
    assert "set python_min" not in recipe_text(bake_in_process(cookies, python_min="3.10", **META))
    text = recipe_text(unusual_release)
    assert text.count('{% set python_min = "3.12" %}\n') == 1
    recipe = rendered(text)
    assert recipe["requirements"]["host"][0] == "python 3.12.*"
    assert recipe["requirements"]["run"][0] == "python >=3.12"
    assert recipe["test"]["requires"] == ["pip", "python 3.12.*"]
    assert recipe["extra"]["recipe-maintainers"] == ["ada-lovelace", "alan-turing"]


@pytest.mark.parametrize("release", ["meta_release", "unusual_release"])
def test_update_recipe_writes_the_version_and_sha256_of_the_built_sdist(release, request, tmp_path):
    repo = copy_tree(request.getfixturevalue(release), tmp_path / "repo")
    recipe_path = repo / "recipe" / "meta.yaml"
    before = recipe_path.read_text().replace('{% set version = "0.1.0" %}', '{% set version = "0.0.9" %}')
    recipe_path.write_text(before)
    run(sys.executable, "tools/update_recipe.py", "v0.1.0", cwd=repo)
    after = recipe_path.read_text()
    (sdist,) = (repo / "dist").glob("*.tar.gz")
    recipe = rendered(after)
    assert recipe["package"]["version"] == "0.1.0"
    assert recipe["source"]["sha256"] == sha256_of(sdist)
    assert recipe["source"]["url"].endswith("/" + sdist.name)
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 2, changed  # the version and the sha256, nothing else


def test_update_recipe_reads_the_sha256_from_pypi(meta_repo, tmp_path):
    """Run on a copy whose recipe names a long-published project (six 1.16.0)."""
    repo = copy_tree(meta_repo, tmp_path / "repo")
    recipe_path = repo / "recipe" / "meta.yaml"
    recipe_path.write_text(recipe_path.read_text().replace('"my-project"', '"six"', 1))
    run(sys.executable, "tools/update_recipe.py", "1.16.0", "--pypi", cwd=repo)
    # six-1.16.0.tar.gz as published on PyPI in 2021.
    sha256 = "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926"
    assert rendered(recipe_path.read_text())["source"]["sha256"] == sha256


@pytest.mark.parametrize(
    ("version", "edit", "message"),
    [
        ("latest", None, "is not a version"),
        ("1.0-rc1", None, "such as 1.2.0, 1.2.0rc1"),  # not as the wheel spells it
        ("9.9.9", None, "my_project-9.9.9.tar.gz"),  # not built here, not on PyPI
        ("0.1.0", ("  sha256:", "  sha:"), "exactly one 'sha256:' line"),
    ],
)
def test_update_recipe_says_what_is_wrong(meta_repo, tmp_path, version, edit, message):
    repo = copy_tree(meta_repo, tmp_path / "repo")
    recipe_path = repo / "recipe" / "meta.yaml"
    if edit:
        recipe_path.write_text(recipe_path.read_text().replace(*edit))
    before = recipe_path.read_text()
    result = run(sys.executable, "tools/update_recipe.py", version, cwd=repo, check=False)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert recipe_path.read_text() == before


@pytest.mark.parametrize("release", ["meta_release", "unusual_release"])
def test_recipe_agrees_with_grayskull_on_the_built_sdist(release, request, tmp_path):
    repo = request.getfixturevalue(release)
    (sdist,) = (repo / "dist").glob("*.tar.gz")
    ours = rendered(recipe_text(repo))
    maintainers = ours["extra"]["recipe-maintainers"]
    (tmp_path / "out").mkdir()
    run(
        "grayskull", "pypi", "--strict-conda-forge", "--no-use-v1-format", "--output", "out",
        sdist, "--maintainers", *maintainers, cwd=tmp_path,
    )  # fmt: skip
    (grayskull_recipe,) = (tmp_path / "out").glob("*/meta.yaml")
    theirs = rendered(grayskull_recipe.read_text())
    allow_grayskull_known_issues(theirs, ours)
    differences = {
        name: (field(ours, name), field(theirs, name))
        for name in COMPARED
        if field(ours, name) != field(theirs, name)
    }
    assert not differences, f"recipe vs grayskull: {differences}; not compared: {NOT_COMPARED}"


def test_pre_commit_check_yaml_skips_only_the_recipe(meta_repo):
    """The recipe is YAML only after conda-build renders it: the check-yaml hook must skip it."""
    config = yaml.safe_load((meta_repo / ".pre-commit-config.yaml").read_text())
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "check-yaml"]
    yaml_files = [
        str(path.relative_to(meta_repo))
        for path in meta_repo.rglob("*.y*ml")
        if ".git" not in path.relative_to(meta_repo).parts
    ]
    assert [name for name in yaml_files if re.search(hook["exclude"], name)] == ["recipe/meta.yaml"]
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(recipe_text(meta_repo))


@pytest.mark.parametrize(
    "description",
    ["Fast # [win]", "Spreads #1 [not linux] evenly", "Ends in brackets [osx]", "A # b [x] (c)"],
)
def test_free_text_never_becomes_a_selector(cookies, description):
    """conda-build reads '# ... [expr]' at a line's end as a selector, inside quotes too: the
    summary and description keep every word on linux, where conda-forge builds noarch."""
    repo = bake_in_process(cookies, description=description, **META)
    about = rendered(recipe_text(repo))["about"]
    assert about["summary"] == description
    assert about["description"].startswith(description + " ")
