"""The config boundary: commands turn their config into typed options, the library takes the
options and never a config, errors name parameters in Python and config keys on the command
line, and ``framing.train`` / ``framing.predict`` from Python give what the commands give."""

from __future__ import annotations

import ast
import json
import re

import pandas as pd
import pytest

import framing
from framing.cli.options import in_config_terms, train_keys
from framing.errors import FramingInputError
from framing.models.tfidf import TfidfLogisticClassifier
from framing.prediction import PredictOptions
from framing.runs.discover import find_runs
from framing.runs.job import Evaluation, ModelChoice, TrainOptions
from framing.study.config import compose

from conftest import PROJECT_ROOT
from conftest import framing as run_framing

PACKAGE = PROJECT_ROOT / "framing"
#: a parameter that holds a composed config: ``cfg``, ``model_cfg``, ``study_cfg`` ...
CONFIG_NAME = re.compile(r"(^|_)cfg$|^config_node$")
FAST = ["eval.n_folds=3", "eval.inner_folds=2", "eval.bootstrap=50"]


def library_files():
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] not in ("cli", "api.py"):
            yield path


def test_no_library_function_takes_a_config():
    """Only framing.cli (and framing.api, through it) sees a Hydra config: no function
    parameter, dataclass field or attribute of the library is a ``cfg``."""
    found = []
    for path in library_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
                found += [f"{path.name}:{node.name}({n})" for n in names if CONFIG_NAME.search(n)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if CONFIG_NAME.search(node.target.id):
                    found.append(f"{path.name}: field {node.target.id}")
            elif isinstance(node, ast.Attribute) and CONFIG_NAME.search(node.attr):
                found.append(f"{path.name}: .{node.attr}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("omegaconf"):
                names = {a.name for a in node.names}
                found += [f"{path.name}: imports {n}" for n in names & {"DictConfig", "ListConfig"}]
    assert found == []


def test_the_library_names_parameters_and_the_command_names_config_keys():
    with pytest.raises(FramingInputError) as caught:
        Evaluation(n_folds=1)
    assert caught.value.field == "n_folds" and "n_folds=5" in caught.value.fix
    cfg = compose("train", ["model=tfidf_lr"])
    keys = train_keys(cfg)
    mapped = in_config_terms(caught.value, keys)
    assert mapped.field == "eval.n_folds" and "(eval.n_folds=5)" in str(mapped)
    assert keys["min_df"] == "model.estimator.min_df" and keys["device"] == "device"
    with pytest.raises(FramingInputError, match="field 'protocol'"):
        Evaluation(protocol="leave_one_out")
    with pytest.raises(FramingInputError, match="field 'batch_size'"):
        PredictOptions(checkpoint="c", input="i", output="o", batch_size=0)
    with pytest.raises(FramingInputError, match="field 'estimator'"):
        ModelChoice(estimator="tfidf_lr")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["model=tfidf_lr", "model.estimator.min_df=0"], "field 'model.estimator.min_df'"),
        (["model=lexicon", "model.estimator.smoothing=0", *FAST], "'model.estimator.smoothing'"),
        (["eval.n_folds=1"], "field 'eval.n_folds': n_folds must be a whole number"),
    ],
)
def test_the_train_command_says_which_config_key_is_wrong(tmp_path, overrides, expected):
    done = run_framing("train", *overrides, f"hydra.run.dir={tmp_path / 'run'}")
    assert done.returncode == 2, done.stderr[-2000:]
    assert expected in done.stderr.splitlines()[-1]
    assert not (tmp_path / "run").exists()


def test_train_from_python_gives_what_the_command_gives(tmp_path, monkeypatch):
    """Same options, same library call: the metrics and the out-of-fold table are equal."""
    done = run_framing(
        "train",
        "model=tfidf_lr",
        "seed=1",
        *FAST,
        f"hydra.run.dir={tmp_path / 'cli'}",
        f"paths.cache_dir={tmp_path / 'cache'}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    run = framing.train(
        "frames",
        "tfidf_lr",
        seed=1,
        n_folds=3,
        inner_folds=2,
        bootstrap=50,
        overrides=[f"paths.cache_dir={tmp_path / 'cache'}"],
    )
    command = json.loads((tmp_path / "cli" / "metrics.json").read_text())
    for key in ("macro_f1", "micro_f1", "per_label", "thresholds", "n_folds", "data_sha256"):
        assert run.metrics[key] == command[key], key
    oof = pd.read_csv(tmp_path / "cli" / "oof_predictions.csv", dtype={"sentence_id": str})
    pd.testing.assert_frame_equal(
        run.oof.reset_index(drop=True), oof, check_dtype=False, check_exact=False, rtol=1e-9
    )
    assert run.model.predict_labels(["Hanoi and Moscow renewed their old friendship."])


def test_an_estimator_trained_from_python_is_a_run_the_comparison_reads(tmp_path, study):
    estimator = TfidfLogisticClassifier(min_df=1)
    run = framing.train(
        "stance", estimator, study=PROJECT_ROOT, n_folds=3, bootstrap=50, out=tmp_path / "run"
    )
    assert not hasattr(estimator, "classes_")  # the caller's estimator stays unfitted
    assert run.metrics["model"] == "tfidf_lr" and run.metrics["task"] == "stance"
    (found,) = find_runs([tmp_path / "run"])
    assert found.setting("eval")["n_folds"] == 3 and found.setting("model")["name"] == "tfidf_lr"
    assert (tmp_path / "run" / "checkpoint" / "framing_checkpoint.json").is_file()
    with pytest.raises(TypeError, match="n_fold"):
        framing.train("stance", estimator, study=PROJECT_ROOT, n_fold=3)
    options = TrainOptions(study, "stance", ModelChoice(estimator), Evaluation(n_folds=3))
    assert options.model.name == "tfidf_lr" and options.model.label == "tfidf_lr"


def test_predict_from_python_writes_what_the_command_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.delenv("FRAMING_STUDY", raising=False)
    framing.train("frames", "majority", n_folds=3, bootstrap=50, out=tmp_path / "run")
    checkpoint, articles = tmp_path / "run" / "checkpoint", PROJECT_ROOT / "seeds" / "articles"
    done = run_framing(
        "predict",
        f"checkpoint={checkpoint}",
        f"input={articles}",
        f"output={tmp_path / 'cli'}",
        "figure=false",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = framing.predict(checkpoint, articles, tmp_path / "py", figure=False)
    assert (
        report["n_sentences"]
        == json.loads((tmp_path / "cli" / "report.json").read_text())["n_sentences"]
    )
    for name in ("predictions.csv", "article_mix.csv", "outlet_mix.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    with pytest.raises(TypeError, match="batchsize"):
        framing.predict(checkpoint, articles, tmp_path / "other", batchsize=3)
