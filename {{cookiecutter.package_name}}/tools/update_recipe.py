"""Write a release's version and its sdist's sha256 into the conda-forge recipe.

The recipe is recipe/meta.yaml (conda-build's format) or recipe/recipe.yaml (the v1 format,
rattler-build's); this script handles either.

    python tools/update_recipe.py 1.2.0 [--pypi]

The sha256 is that of dist/<name>-1.2.0.tar.gz if that file exists, else the one PyPI lists
for it. conda-forge downloads the sdist from PyPI, so the two must be the very same file, as
uploaded by the release workflow (the GitHub release has it too): a sdist rebuilt locally
differs. Use --pypi when in doubt. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
# The lines that name the package and its version, in each format: Jinja `set` lines in
# meta.yaml, the `context:` table in recipe.yaml.
FORMATS = {
    "meta.yaml": (
        re.compile(r'^\{\% set name = "([^"]+)" \%\}$', re.MULTILINE),
        re.compile(r'^(\{\% set version = ")[^"]*(" \%\})$', re.MULTILINE),
    ),
    "recipe.yaml": (
        re.compile(r'^  name: "([^"]+)"$', re.MULTILINE),
        re.compile(r'^(  version: ")[^"]*(")$', re.MULTILINE),
    ),
}
SHA256_LINE = re.compile(r"^(  sha256: )\S*$", re.MULTILINE)
# A version as the wheel's name and metadata spell it: PEP 440's canonical form (its appendix).
VERSION = re.compile(
    r"([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?"
)


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def local_sha256(sdist: Path) -> str:
    return hashlib.sha256(sdist.read_bytes()).hexdigest()


def pypi_sha256(name: str, sdist_name: str) -> str:
    """The sha256 that PyPI lists for the sdist, from its index API (PEP 691, as pip uses)."""
    url = f"https://pypi.org/simple/{name}/"
    request = urllib.request.Request(
        url, headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            files = json.load(response)["files"]
    except urllib.error.HTTPError as error:
        if error.code == 404:
            fail(f"{name} is not on PyPI ({url}): publish the release first")
        fail(f"PyPI answered {error.code} {error.reason} for {url}")
    except urllib.error.URLError as error:
        fail(f"cannot reach PyPI ({url}): {error.reason}")
    for file in files:
        if file["filename"] == sdist_name:
            return str(file["hashes"]["sha256"])
    sdists = [file["filename"] for file in files if file["filename"].endswith(".tar.gz")]
    fail(f"PyPI has no {sdist_name} (its sdists: {', '.join(sdists) or 'none'})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "version", help="the released version, e.g. 1.2.0 (a leading v is dropped)"
    )
    parser.add_argument(
        "--pypi", action="store_true", help="use PyPI's sdist even if dist/ has one"
    )
    arguments = parser.parse_args()
    version = arguments.version.removeprefix("v")
    if not VERSION.fullmatch(version):
        fail(
            f"{arguments.version!r} is not a version as PyPI spells it, such as 1.2.0, 1.2.0rc1 "
            "or 1.2.0.post1 (PEP 440)"
        )

    recipes = [ROOT / "recipe" / name for name in FORMATS if (ROOT / "recipe" / name).is_file()]
    if len(recipes) != 1:
        fail(f"recipe/ must hold exactly one of {' or '.join(FORMATS)}")
    (recipe_path,) = recipes
    name_line, version_line = FORMATS[recipe_path.name]
    recipe = recipe_path.read_text(encoding="utf-8")
    name_match = name_line.search(recipe)
    if not name_match:
        fail(f"{recipe_path} has no line that names the package")
    name = name_match.group(1)
    for line, what in ((version_line, "version"), (SHA256_LINE, "sha256:")):
        if len(line.findall(recipe)) != 1:
            fail(f"{recipe_path} must have exactly one '{what}' line")

    # The sdist's file name spells the project name in lowercase with underscores (PEP 625).
    sdist = DIST / f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}.tar.gz"
    if sdist.is_file() and not arguments.pypi:
        sha256, source = local_sha256(sdist), str(sdist)
    else:
        sha256, source = pypi_sha256(name, sdist.name), f"PyPI's {sdist.name}"

    recipe = version_line.sub(rf"\g<1>{version}\g<2>", recipe)
    recipe = SHA256_LINE.sub(rf'\g<1>"{sha256}"', recipe)
    recipe_path.write_text(recipe, encoding="utf-8")
    print(f"{recipe_path.relative_to(ROOT)}: version {version}, sha256 {sha256} (from {source})")


if __name__ == "__main__":
    main()
