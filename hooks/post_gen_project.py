"""Finish a cookiecutter bake, as copier's task does, and write copier's answers file.

The answers file lets `copier update` take the repo over later (copier writes its own).
"""

import json
import sys
from pathlib import Path

TEMPLATE_ROOT = Path({{ template_root | py_str }})
sys.path.insert(0, str(TEMPLATE_ROOT))

from lab_template.answers import write_answers_file  # noqa: E402
from lab_template.tree import remove_switched_off_dirs  # noqa: E402

ANSWERS = json.loads({{ cookiecutter | tojson | py_str }})

remove_switched_off_dirs(TEMPLATE_ROOT / "{{ '{{cookiecutter.package_name}}' }}", Path.cwd())
write_answers_file(Path.cwd(), ANSWERS, template_root=str(TEMPLATE_ROOT))
