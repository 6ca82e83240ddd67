"""Docs: each host's bake builds its Sphinx site with warnings as errors and ships its host's
files only (docs=pages: the Pages workflow; docs=readthedocs: .readthedocs.yaml); docs=none
leaves no trace."""

from __future__ import annotations

import re
import tomllib
from types import SimpleNamespace

import pytest
import yaml

from lab_template.render.extensions import READTHEDOCS_PYTHONS
from support import CHOICES, bake_in_process, copy_tree, mentions, once_per_run, run

# Output of the example notebook's only code cell, zscore([1.0, 2.0, 3.0, 4.0]): found in the
# HTML only if the notebook was executed during the build (it is stored without outputs).
NOTEBOOK_OUTPUT = "array([-1.34164079, -0.4472136 ,  0.4472136 ,  1.34164079])"


# Each host that has docs, built once: one with the HPC guide, one without.
BUILT = {"pages": {"hpc_cluster": "lumi"}, "readthedocs": {"hpc_cluster": "none"}}
HOST_FILES = {"pages": ".github/workflows/docs.yml", "readthedocs": ".readthedocs.yaml"}


@pytest.fixture(scope="session", params=list(BUILT), ids=lambda docs: f"docs={docs}")
def built_docs(request, default_repo, cookies_session, docs_python):
    """The docs built with the command CI runs (and Read the Docs: -W, --keep-going), once per run."""
    answers = {"docs": request.param, **BUILT[request.param]}

    def build(folder):
        if answers == {"docs": "pages", "hpc_cluster": "lumi"}:  # the default answers
            baked = default_repo
        else:
            baked = bake_in_process(cookies_session, **answers)
        # The build writes into docs/ (the notebook copy, autosummary pages): work on a copy.
        repo = copy_tree(baked, folder / baked.name)
        sphinx_build = docs_python.parent / "sphinx-build"
        run(sphinx_build, "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html", cwd=repo)

    repo = once_per_run(f"docs-{request.param}", build) / default_repo.name
    return SimpleNamespace(
        cluster=answers["hpc_cluster"], host=request.param, repo=repo, html=repo / "docs" / "_build" / "html"
    )


def test_docs_execute_the_example_notebook(built_docs):
    html = built_docs.html
    page = (html / "examples" / "quickstart.html").read_text()
    assert NOTEBOOK_OUTPUT in page.replace("&#39;", "'")


def test_api_page_lists_zscore_with_its_numpydoc_sections(built_docs):
    html = built_docs.html
    assert 'href="api/generated/my_project.zscore.html"' in (html / "api.html").read_text()
    function_page = (html / "api" / "generated" / "my_project.zscore.html").read_text()
    assert "Standardize values to zero mean" in function_page
    assert re.search(r">Parameters<.*>Returns<.*>Raises<", function_page, re.DOTALL)


def test_docs_take_the_version_from_the_installed_package(built_docs):
    html = built_docs.html
    assert "My Project 0.1.0 documentation" in (html / "index.html").read_text()


def test_docs_include_contributing_and_changelog_from_the_repo_root(built_docs):
    html = built_docs.html
    assert "Fork" in (html / "contributing.html").read_text()
    assert "Unreleased" in (html / "changelog.html").read_text()


def test_hpc_guide_is_the_readme_section_only_when_there_is_a_cluster(built_docs):
    html = built_docs.html
    linked = 'href="hpc.html"' in (html / "index.html").read_text()
    if built_docs.cluster == "none":
        assert not linked
        assert not (html / "hpc.html").exists()
        return
    assert linked
    readme = (built_docs.repo / "README.md").read_text()
    section = readme.split("<!-- hpc-start -->")[1].split("<!-- hpc-end -->")[0]
    guide = (html / "hpc.html").read_text()
    # Every word of the section's first prose line shows up on the page.
    first_line = next(line for line in section.splitlines() if re.match(r"[A-Za-z]", line))
    for word in re.findall(r"[A-Za-z]{4,}", first_line):
        assert word in guide


def test_readthedocs_config_is_valid_and_uses_the_newest_python(cookies):
    repo = bake_in_process(cookies, docs="readthedocs")
    config = repo / ".readthedocs.yaml"
    run("check-jsonschema", "--builtin-schema", "vendor.readthedocs", config)
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    versions = [
        classifier.rsplit(" ", 1)[1]
        for classifier in pyproject["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", classifier)
    ]
    # The newest supported Python that Read the Docs offers (its schema lists them).
    newest = max(set(versions) & set(READTHEDOCS_PYTHONS), key=lambda version: int(version.split(".")[1]))
    settings = yaml.safe_load(config.read_text())
    assert settings["build"]["tools"]["python"] == newest
    assert settings["python"]["install"] == [{"method": "pip", "path": ".", "extra_requirements": ["docs"]}]
    assert settings["sphinx"]["configuration"] == "docs/conf.py"


def test_docs_none_leaves_no_docs_behind(cookies):
    repo = bake_in_process(cookies, docs="none")
    for path in ["docs", ".readthedocs.yaml", ".github/workflows/docs.yml"]:
        assert not (repo / path).exists(), path
    assert (repo / "CHANGELOG.md").is_file()
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    assert "docs" not in pyproject["project"]["optional-dependencies"]
    assert "Documentation" not in pyproject["project"]["urls"]
    # "docs" as a word or path (docs/, graft docs), not inside another site's address (docs.csc.fi).
    docs_words = re.compile(r"sphinx|readthedocs|github\.io|(?<![\w./-])docs\b(?![.-])", re.IGNORECASE)
    assert not mentions(repo, docs_words)


# What names each host, in the repo's files: another host's name must not be there.
HOST_WORDS = {
    "pages": re.compile(r"GitHub Pages|github\.io|deploy-pages|upload-pages-artifact"),
    "readthedocs": re.compile(r"Read the Docs|readthedocs", re.IGNORECASE),
}


@pytest.mark.parametrize("docs", [choice for choice in CHOICES["docs"] if choice != "none"])
def test_each_docs_host_ships_its_files_only(cookies, docs):
    """The host's files, the docs URL on it, the README's step that switches it on; no file and
    no word of the other host."""
    repo = bake_in_process(cookies, docs=docs)
    (other,) = set(HOST_FILES) - {docs}
    assert (repo / HOST_FILES[docs]).is_file() and not (repo / HOST_FILES[other]).exists()
    assert (repo / "docs" / "conf.py").is_file()
    # No file names the other host, but for the README's sentence on how to move there.
    assert [line for line in mentions(repo, HOST_WORDS[other]) if not line.startswith("README.md")] == []
    readme = " ".join((repo / "README.md").read_text().split())
    switch = re.search(
        rf"To \w+ the docs on [^.]* instead, run `copier update --trust --defaults --data docs={other}`",
        readme,
    )
    assert switch, f"README.md does not say how to move to {other}"
    assert not HOST_WORDS[other].search(readme.replace(switch.group(), ""))
    url = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["urls"]["Documentation"]
    if docs == "pages":
        assert url == "https://acerbilab.github.io/my_project/"
        assert 'set "Source" to "GitHub Actions"' in readme
    else:
        assert url == "https://my-project.readthedocs.io/"
        assert "Add project" in readme and '"Build pull requests for this project"' in readme
    assert url in readme
