from importlib.resources import files

import {{ cookiecutter.package_name }}


def test_version_comes_from_the_installed_metadata() -> None:
    assert {{ cookiecutter.package_name }}.__version__ != "0+unknown"


def test_example_notebooks_ship_with_the_package() -> None:
    examples = files("{{ cookiecutter.package_name }}.examples")
    assert any(path.name.endswith(".ipynb") for path in examples.iterdir())
