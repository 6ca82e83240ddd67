"""The handbook's release check (Part I, steps 3-8) on a baked repo, with the real tools: the
sdist and wheel, what they hold with git and without, and the conda-forge recipe's requirements
checked against the package's."""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile

from support import copy_tree, git_commit_all, run


def test_build_makes_sdist_and_wheel_named_for_the_tag(released_repo):
    names = sorted(p.name for p in (released_repo / "dist").iterdir())
    assert names == ["my_project-0.1.0-py3-none-any.whl", "my_project-0.1.0.tar.gz"]


def test_wheel_ships_the_example_notebooks(released_repo):
    (wheel,) = (released_repo / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "my_project/examples/quickstart.ipynb" in names
    assert "my_project/tests/test_stats.py" in names


def test_sdist_holds_tests_examples_and_licence(released_repo):
    (sdist,) = (released_repo / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "examples/quickstart.ipynb", "my_project/tests/test_stats.py"} <= names


def test_twine_check_passes(released_repo):
    dist = sorted(str(p) for p in (released_repo / "dist").iterdir())
    run(sys.executable, "-m", "twine", "check", "--strict", *dist)


def test_installed_wheel_passes_its_tests_outside_the_repo(wheel_python, tmp_path):
    run(wheel_python, "-m", "pytest", "--pyargs", "my_project", "-p", "no:cacheprovider", cwd=tmp_path)
    version = run(wheel_python, "-c", "import my_project; print(my_project.__version__)", cwd=tmp_path)
    assert version.stdout.strip() == "0.1.0"


def test_a_commit_after_the_tag_gives_a_dev_version(released_repo, tmp_path):
    repo = copy_tree(released_repo, tmp_path / "repo")
    (repo / "NEWS.md").write_text("Work after the release.\n")
    git_commit_all(repo, "Work after the release")
    run(sys.executable, "-m", "build", "--sdist", "--outdir", "dist-dev", ".", cwd=repo)
    (sdist,) = (repo / "dist-dev").glob("*.tar.gz")
    assert re.fullmatch(r"my_project-0\.1\.1\.dev1\+g[0-9a-f]+\.tar\.gz", sdist.name), sdist.name


def test_unpacked_sdist_builds_without_git(released_repo, tmp_path):
    (sdist,) = (released_repo / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (source,) = tmp_path.iterdir()
    assert not (source / ".git").exists()
    run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "out", ".", cwd=source)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["my_project-0.1.0-py3-none-any.whl"]


def test_validate_pyproject_accepts_the_pyproject(default_repo):
    run("validate-pyproject", default_repo / "pyproject.toml")


def test_an_sdist_built_without_git_holds_what_one_built_with_git_holds(released_repo, tmp_path):
    """setuptools-scm adds every git-tracked file; MANIFEST.in must give the same sdist from an
    archive of the repository (`git archive`, as GitHub's source zip), which has no .git."""
    archive = tmp_path / "source.tar"
    run("git", "archive", f"--output={archive}", "HEAD", cwd=released_repo)
    source = tmp_path / "source"
    source.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(source, filter="data")
    assert not (source / ".git").exists()
    run(sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path / "out", ".", cwd=source)

    def members(sdist):
        with tarfile.open(sdist) as tar:
            names = {member.name.split("/", 1)[1] for member in tar.getmembers() if member.isfile()}
        # setuptools' own records of the build, which differ with the file finder used.
        return {name for name in names if ".egg-info/" not in name and name != "setup.cfg"}

    (with_git,) = (released_repo / "dist").glob("*.tar.gz")
    (without_git,) = (tmp_path / "out").glob("*.tar.gz")
    assert without_git.name == with_git.name  # the version from .git_archival.txt
    tracked = set(run("git", "ls-files", cwd=released_repo).stdout.split())
    assert members(with_git) == tracked | {"PKG-INFO"}
    assert members(without_git) == members(with_git)


def test_release_check_compares_the_recipe_with_the_dependencies(released_repo, tmp_path):
    """The recipe's run requirements and python_min against the wheel's Requires-Dist and
    Requires-Python (pyproject.toml's): each difference named; a dependency that conda-forge
    names otherwise matches through its `# PyPI:` comment."""
    repo = copy_tree(released_repo, tmp_path / "repo")
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('    "numpy>=1.24",\n', '    "numpy>=1.25",\n    "torch>=2.1",\n')
    pyproject.write_text(text.replace('requires-python = ">=3.11"', 'requires-python = ">=3.12"'))
    git_commit_all(repo, "Newer numpy, torch, Python 3.12")
    run(sys.executable, "tools/release_check.py", "build", cwd=repo)
    result = run(sys.executable, "tools/release_check.py", "check", cwd=repo, check=False)
    assert result.returncode != 0
    assert result.stderr.splitlines()[1:] == [
        "  recipe/recipe.yaml asks for numpy >=1.24, pyproject.toml for numpy >=1.25",
        "  recipe/recipe.yaml lacks the run requirement torch >=2.1",
        "  recipe/recipe.yaml builds for Python 3.11 and up (python_min), pyproject.toml requires Python 3.12 and up",
    ], result.stderr
    recipe = repo / "recipe" / "recipe.yaml"
    text = recipe.read_text().replace('  python_min: "3.11"', '  python_min: "3.12"')
    recipe.write_text(
        text.replace("    - numpy >=1.24\n", "    - numpy >=1.25\n    - pytorch >=2.1  # PyPI: torch\n")
    )
    run(sys.executable, "tools/release_check.py", "check", cwd=repo)
    # A later python_min than requires-python is no difference: conda-forge builds for fewer
    # Pythons (an adopted project that still supports an older one).
    recipe.write_text(recipe.read_text().replace('  python_min: "3.12"', '  python_min: "3.13"'))
    run(sys.executable, "tools/release_check.py", "check", cwd=repo)
