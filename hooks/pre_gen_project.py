"""Refuse bad answers before anything is written; cookiecutter then removes the output folder."""

import json
import sys

sys.path.insert(0, {{ template_root | py_str }})

from helpers.validation import first_error  # noqa: E402

ANSWERS = json.loads({{ cookiecutter | tojson | py_str }})

message = first_error(ANSWERS)
if message:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)
