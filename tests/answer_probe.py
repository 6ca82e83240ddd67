"""Run in the docs venv: what setuptools and MyST make of many answers at once.

Reads a JSON list of cases from stdin, each with `pyproject` (the text of a minimal
pyproject.toml) and `markdown` (a MyST page); writes a JSON list of results to stdout, each with
`metadata` (the PKG-INFO setuptools writes from that pyproject.toml, or null), `error` (why
setuptools refused it) and `html` (the page as MyST-Parser renders it). One process for all the
cases: these are the real metadata writer and MyST parser, without a build or a Sphinx run each.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution


def metadata(pyproject_text: str, folder: Path) -> tuple[str | None, str | None]:
    path = folder / "pyproject.toml"
    path.write_text(pyproject_text, encoding="utf-8")
    try:
        dist = apply_configuration(Distribution(), path)
        buffer = io.StringIO()
        dist.metadata.write_pkg_file(buffer)
    except Exception as error:  # noqa: BLE001 - the refusal is the finding
        return None, f"{type(error).__name__}: {error}"
    return buffer.getvalue(), None


def main() -> None:
    cases = json.load(sys.stdin)
    myst = create_md_parser(MdParserConfig(), RendererHTML)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            pkg_info, error = metadata(case["pyproject"], Path(folder))
            results.append({"metadata": pkg_info, "error": error, "html": myst.render(case["markdown"])})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
