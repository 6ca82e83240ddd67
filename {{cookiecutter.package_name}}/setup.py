"""Stub for tools that still run setup.py; all configuration is in pyproject.toml."""

from setuptools import setup

setup()
