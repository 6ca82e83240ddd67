"""Refuse bad answers before anything is written; cookiecutter then removes the output folder.

cookiecutter.json's last private value already runs the same check while the answers are
rendered, so a user sees the reason as the last line; this hook is the guarantee for paths
that skip rendering (e.g. --replay).
"""

import json
import sys

sys.path.insert(0, {{ template_root | py_str }})

from lab_template.validation import exit_on_bad_answers  # noqa: E402

exit_on_bad_answers(json.loads({{ cookiecutter | tojson | py_str }}))
