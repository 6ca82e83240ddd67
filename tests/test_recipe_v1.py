"""The v1 conda-forge recipe (conda_recipe=recipe.yaml): valid against the v1 recipe schema,
rendered by rattler-build (its Python bindings, from PyPI), and saying what meta.yaml says.

tests/data/recipe-v1.schema.json is schema.json of prefix-dev/recipe-format (BSD-3-Clause,
tests/data/recipe-v1.schema.LICENSE), at commit c33fce275c3d721a892abf95ef1c43bd6f96012c.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest
import yaml
from rattler_build import Stage0Recipe, VariantConfig

from lab_template.render.extensions import dist_file_name
from support import (
    RELEASE_VERSIONS,
    assert_repo_valid,
    bake_in_process,
    copy_tree,
    git_commit_all,
    render_conda_recipe,
    run,
)
from test_recipe import UNUSUAL_ANSWERS

SCHEMA = Path(__file__).parent / "data" / "recipe-v1.schema.json"
# conda-forge's global python_min (CFEP-25), which its pinning gives every noarch recipe.
CONDA_FORGE_PYTHON_MIN = "3.10"
ANSWERS = {"defaults": {}, "unusual": UNUSUAL_ANSWERS, "python 3.10": {"python_min": "3.10"}}


@pytest.fixture(scope="module", params=list(ANSWERS))
def both_formats(request, cookies_session):
    """The same answers baked with each recipe format: (meta.yaml repo, recipe.yaml repo)."""
    repos = []
    for recipe in ("meta.yaml", "recipe.yaml"):
        repos.append(bake_in_process(cookies_session, **ANSWERS[request.param], conda_recipe=recipe))
    return tuple(repos)


def render_v1(recipe: Path) -> dict:
    """The recipe as rattler-build renders it for conda-forge's noarch build."""
    (variant,) = Stage0Recipe.from_file(recipe).render(
        VariantConfig({"python_min": [CONDA_FORGE_PYTHON_MIN]})
    )
    return variant.recipe.to_dict()


def test_each_format_bakes_only_its_own_recipe(both_formats):
    meta_repo, v1_repo = both_formats
    assert sorted(p.name for p in (meta_repo / "recipe").iterdir()) == ["meta.yaml"]
    assert sorted(p.name for p in (v1_repo / "recipe").iterdir()) == ["recipe.yaml"]
    assert_repo_valid(v1_repo)
    releasing = (v1_repo / "RELEASING.md").read_text()
    assert "recipe/recipe.yaml" in releasing and "recipe/meta.yaml)" not in releasing


def test_v1_recipe_matches_its_schema(both_formats):
    recipe = both_formats[1] / "recipe" / "recipe.yaml"
    run("check-jsonschema", "--schemafile", SCHEMA, recipe)
    # Declared, as conda-forge's v1 example recipe does (the schema's only version).
    assert yaml.safe_load(recipe.read_text())["schema_version"] == 1


def test_the_schema_check_can_fail(both_formats, tmp_path):
    broken = tmp_path / "recipe.yaml"
    broken.write_text((both_formats[1] / "recipe" / "recipe.yaml").read_text().replace("tests:", "test:"))
    assert run("check-jsonschema", "--schemafile", SCHEMA, broken, check=False).returncode != 0


def test_both_formats_say_the_same(both_formats):
    meta_repo, v1_repo = both_formats
    meta = yaml.safe_load(render_conda_recipe((meta_repo / "recipe" / "meta.yaml").read_text()))
    v1 = render_v1(v1_repo / "recipe" / "recipe.yaml")
    (source,) = v1["source"]
    (python_test,) = [test["python"] for test in v1["tests"]]
    python_min = v1["context"].get("python_min", CONDA_FORGE_PYTHON_MIN)
    assert v1["package"] == meta["package"]
    assert source == meta["source"]
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    assert v1["build"]["script"].replace("${{ PYTHON }}", "$PYTHON") == meta["build"]["script"]
    assert (v1["build"]["noarch"], v1["build"]["number"]) == (
        meta["build"]["noarch"],
        meta["build"]["number"],
    )
    assert v1["requirements"] == meta["requirements"]
    assert python_test["imports"] == meta["test"]["imports"]
    assert python_test.get("pip_check", True) and "pip check" in meta["test"]["commands"]
    assert python_test["python_version"] == f"{python_min}.*"
    assert meta["test"]["requires"] == ["pip", f"python {python_min}.*"]
    about, meta_about = v1["about"], meta["about"]
    assert (about["homepage"], about["repository"], about["documentation"]) == (
        meta_about["home"],
        meta_about["dev_url"],
        meta_about["doc_url"],
    )
    for key in ("summary", "description", "license"):
        assert about[key] == meta_about[key], key
    assert about["license_file"] == [meta_about["license_file"]]
    v1_text = yaml.safe_load((v1_repo / "recipe" / "recipe.yaml").read_text())
    assert v1_text["extra"] == meta["extra"]


def test_v1_recipe_sets_python_min_only_above_conda_forges(both_formats):
    context = yaml.safe_load((both_formats[1] / "recipe" / "recipe.yaml").read_text())["context"]
    python_min = yaml.safe_load((both_formats[1] / ".copier-answers.yml").read_text())["python_min"]
    assert context.get("python_min") == (None if python_min == CONDA_FORGE_PYTHON_MIN else python_min)


def test_update_recipe_writes_the_v1_version_and_sha256(cookies, tmp_path):
    repo = copy_tree(
        bake_in_process(cookies, **UNUSUAL_ANSWERS, conda_recipe="recipe.yaml"), tmp_path / "repo"
    )
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.2.0", cwd=repo)
    run(sys.executable, "tools/release_check.py", "build", cwd=repo)
    recipe_path = repo / "recipe" / "recipe.yaml"
    before = recipe_path.read_text()
    run(sys.executable, "tools/update_recipe.py", "v0.2.0", cwd=repo)
    after = recipe_path.read_text()
    (sdist,) = (repo / "dist").glob("*.tar.gz")
    rendered = render_v1(recipe_path)
    assert rendered["package"]["version"] == "0.2.0"
    assert rendered["source"][0]["sha256"] == hashlib.sha256(sdist.read_bytes()).hexdigest()
    assert rendered["source"][0]["url"].endswith("/" + sdist.name)
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 2, changed  # the version and the sha256, nothing else
    run("check-jsonschema", "--schemafile", SCHEMA, recipe_path)
    # A second run with the same version changes nothing.
    run(sys.executable, "tools/update_recipe.py", "v0.2.0", cwd=repo)
    assert recipe_path.read_text() == after


@pytest.mark.parametrize("version", RELEASE_VERSIONS)
def test_update_recipe_writes_every_version_as_text(both_formats, tmp_path, version):
    """Read back with a YAML parser (conda-build's rendering for meta.yaml), and by rattler-build
    for recipe.yaml: 1.10 stays 1.10, not the number 1.1."""
    for baked in both_formats:
        distribution = yaml.safe_load((baked / ".copier-answers.yml").read_text())["distribution_name"]
        repo = copy_tree(baked, tmp_path / baked.parent.name / "repo")
        (repo / "dist").mkdir()
        sdist = f"{dist_file_name(distribution)}-{version}.tar.gz"
        (repo / "dist" / sdist).write_bytes(b"stands for the release's sdist")
        run(sys.executable, "tools/update_recipe.py", version, cwd=repo)
        (recipe,) = (repo / "recipe").iterdir()
        if recipe.name == "meta.yaml":
            package = yaml.safe_load(render_conda_recipe(recipe.read_text()))["package"]
        else:
            assert yaml.safe_load(recipe.read_text())["context"]["version"] == version
            package = render_v1(recipe)["package"]
        assert package["version"] == version
