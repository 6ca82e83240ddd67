"""The example notebooks, installed with the package as `{{ cookiecutter.package_name }}.examples`."""
