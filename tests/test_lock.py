"""results/requirements.lock: the releases behind the committed results, pinned, and within
what the project itself asks for (issue 17)."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from experiments.lock_versions import lock_text, pinned_versions

from conftest import PROJECT_ROOT

LOCK = PROJECT_ROOT / "results" / "requirements.lock"
#: the packages whose releases move the committed numbers
NUMERIC = [
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "torch",
    "transformers",
    "sentence-transformers",
    "setfit",
    "datasets",
    "matplotlib",
    "statsmodels",
]


def read_lock(text: str) -> dict[str, Requirement]:
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def project_requirements() -> list[Requirement]:
    """The core dependencies and every extra's, as pyproject.toml states them."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += [r for r in extra if not r.startswith("framing-toolkit")]
    return [Requirement(r) for r in lines]


def test_every_package_is_pinned_to_one_release():
    pins = read_lock(LOCK.read_text())
    for name, requirement in pins.items():
        (spec,) = requirement.specifier
        assert spec.operator == "==" and "+" not in spec.version, f"{name}: {requirement}"
    assert set(NUMERIC) <= set(pins), set(NUMERIC) - set(pins)
    assert "framing-toolkit" not in pins
    assert str(pins["torch"].specifier) == "==2.13.0"  # the CPU build here, never CUDA


def test_the_lock_keeps_within_what_the_project_asks_for():
    pins = read_lock(LOCK.read_text())
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        if name in pins:
            (spec,) = pins[name].specifier
            assert Version(spec.version) in requirement.specifier, (
                f"{name}: {spec} vs {requirement}"
            )


def test_the_writer_pins_this_environment():
    pins = pinned_versions()
    text = lock_text(pins)
    assert read_lock(text).keys() == pins.keys()
    assert "framing-toolkit" not in pins and "pip" not in pins
    assert all("+" not in version for version in pins.values())  # torch's +cpu label dropped
