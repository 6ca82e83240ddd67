#!/bin/sh
# cookiecutter makes every folder of the template, even one whose files were all switched off
# (copier leaves those out: _exclude in copier.yml). Remove the template's folders that are
# empty, deepest first; rmdir leaves any folder that has something in it.
{% for folder in template_folders() -%}
rmdir {{ folder }} 2>/dev/null
{% endfor -%}
exit 0
