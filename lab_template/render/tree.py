"""The template's folders that come out empty because every file in them is switched off.

An optional file carries its condition in its name (a name that renders empty is not written),
but both tools would still make the folder that holds it. copier leaves such folders out
(``_exclude`` in copier.yml, from ``switched_off_dirs``); cookiecutter's post-gen hook removes
the template's folders that are empty (``template_folders``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from jinja2 import pass_context

from lab_template import TEMPLATE_ROOT

TEMPLATE_DIR = TEMPLATE_ROOT / "{{cookiecutter.package_name}}"


@cache
def _plain_folders() -> tuple[Path, ...]:
    """The template's folders with untemplated names, relative, deepest first."""
    folders = [
        path.relative_to(TEMPLATE_DIR)
        for path in TEMPLATE_DIR.rglob("*")
        if path.is_dir() and "{" not in str(path.relative_to(TEMPLATE_DIR))
    ]
    return tuple(sorted(folders, key=lambda folder: (-len(folder.parts), folder)))


def template_folders() -> list[str]:
    """The template's folders with untemplated names ('/'-separated), deepest first."""
    return [folder.as_posix() for folder in _plain_folders()]


@pass_context
def switched_off_dirs(context) -> list[str]:
    """The template's folders ('/'-separated, deepest first) that these answers leave empty.

    The paths of the files in a folder are rendered as the tool renders them, plain names
    first, until one is written (a switched-off file's path renders as its folder's).
    """
    environment, values = context.environment, context.get_all()

    def written(file: Path) -> bool:
        path = str(file.relative_to(TEMPLATE_DIR))
        return "{" not in file.name or not environment.from_string(path).render(values).endswith(os.sep)

    switched_off = []
    for folder in _plain_folders():
        files = sorted(
            (f for f in (TEMPLATE_DIR / folder).rglob("*") if f.is_file()), key=lambda f: "{" in f.name
        )
        if not any(map(written, files)):
            switched_off.append(folder.as_posix())
    return switched_off
