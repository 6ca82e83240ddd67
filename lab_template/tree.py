"""Drop the template's folders that came out empty because every file in them was switched off.

Optional files carry their condition in their name (an empty name is not written), but both
cookiecutter and copier still create the folder that held them. cookiecutter's post-gen hook
calls this; copier runs it as a task:  python lab_template/tree.py <template_dir> (in the project).
"""

from __future__ import annotations

import sys
from pathlib import Path


def remove_switched_off_dirs(template_dir: Path, project_dir: Path) -> None:
    """Remove folders of ``template_dir`` that are empty in ``project_dir``, deepest first.

    Only folders with plain (untemplated) names are considered, so nothing the user made is
    touched unless the template has a folder of that name.
    """
    folders = [p for p in template_dir.rglob("*") if p.is_dir()]
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        relative = folder.relative_to(template_dir)
        if "{" in str(relative):
            continue
        target = project_dir / relative
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()


if __name__ == "__main__":
    remove_switched_off_dirs(Path(sys.argv[1]), Path.cwd())
