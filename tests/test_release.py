"""The handbook's release check (Part I, steps 3-8) on a baked repo, with the real tools."""

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
