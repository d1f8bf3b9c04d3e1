"""Compose every Hydra config, so a typo fails here rather than an hour into a sweep."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import get_class
from omegaconf import OmegaConf

from framing.evaluate import PROTOCOLS, THRESHOLD_MODES
from framing.models import FAMILIES, FramingClassifier
from framing.paths import PROJECT_ROOT
from framing.schema import LabelSchema
from framing.train import MODEL_META_KEYS

CONF = PROJECT_ROOT / "conf"


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


@pytest.fixture(scope="module")
def hydra_conf():
    with initialize_config_dir(str(CONF), version_base="1.3", job_name="train"):
        yield


def composed(*overrides: str, hydra: bool = False):
    cfg = compose("config", overrides=list(overrides), return_hydra_config=hydra)
    job = {k: v for k, v in cfg.items() if k != "hydra"}
    OmegaConf.to_container(OmegaConf.create(job), resolve=True, throw_on_missing=True)
    if hydra:  # the parts of Hydra's own config that ours sets (run dirs use ${now:});
        # sweep.subdir uses hydra.job.num, which exists only once a sweep launches a job
        for part in ("run", "sweep.dir", "job.env_set", "launcher", "sweeper"):
            node = OmegaConf.select(cfg.hydra, part)
            assert node is not None
            if OmegaConf.is_config(node):
                OmegaConf.to_container(node, resolve=True)
    return cfg


def test_default_config(hydra_conf):
    cfg = composed(hydra=True)
    assert (cfg.task.name, cfg.model.name, cfg.eval.protocol, cfg.seed) == (
        "frames", "tfidf_lr", "grouped_kfold", 0,
    )  # fmt: skip
    assert cfg.hydra.job.name == "train"  # Hydra names the job log train.log after it
    assert cfg.hydra.run.dir.startswith("results/runs/")
    assert cfg.hydra.sweep.dir.startswith("results/multirun/")


@pytest.mark.parametrize("model", options("model"))
def test_every_model_config_builds_its_family(hydra_conf, model):
    cfg = composed(f"model={model}").model
    assert cfg.name == model, "the file name is the model= choice and the registry name"
    assert isinstance(cfg.label, str) and cfg.label and isinstance(cfg.is_baseline, bool)
    cls = get_class(cfg._target_)
    assert issubclass(cls, FramingClassifier) and cls.family == model
    assert FAMILIES[model] == f"{cls.__module__}:{cls.__name__}"
    params = set(cfg) - set(MODEL_META_KEYS) - {"_target_"}
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert params <= accepted, f"{model}: unknown parameters {sorted(params - accepted)}"


@pytest.mark.parametrize("task", options("task"))
def test_every_task_config_matches_the_schema(hydra_conf, task):
    cfg = composed(f"task={task}")
    schema = LabelSchema.from_dict(OmegaConf.to_container(cfg.data.schema))
    assert cfg.task.name == task
    assert cfg.task.multi_label == schema.is_multi_label(task)


@pytest.mark.parametrize("eval_name", options("eval"))
def test_every_eval_config(hydra_conf, eval_name):
    e = composed(f"eval={eval_name}").eval
    assert e.protocol in PROTOCOLS and e.thresholds in THRESHOLD_MODES
    assert e.inner_folds >= 2 and 0 < e.fixed < 1 and e.bootstrap > 0 and 0 < e.level < 1
    assert e.n_folds is None if e.protocol == "leave_one_outlet_out" else e.n_folds >= 2


@pytest.mark.parametrize("data", options("data"))
def test_every_data_config_has_a_schema(hydra_conf, data):
    cfg = composed(f"data={data}")
    LabelSchema.from_dict(OmegaConf.to_container(cfg.data.schema))
    assert {"sentences", "articles", "outlets"} <= set(cfg.data)


@pytest.mark.parametrize("launcher", options("hydra/launcher"))
def test_every_launcher_config(hydra_conf, launcher):
    cfg = composed(f"hydra/launcher={launcher}", hydra=True)
    get_class(cfg.hydra.launcher._target_)  # the plugin is installed and importable


@pytest.mark.parametrize("experiment", options("experiment"))
def test_every_experiment_and_each_of_its_sweep_points(hydra_conf, experiment):
    cfg = composed(f"+experiment={experiment}", hydra=True)
    get_class(cfg.hydra.launcher._target_)
    params = cfg.hydra.sweeper.params
    assert params, "an experiment is a sweep"
    for key, values in params.items():
        for value in str(values).split(","):
            composed(f"+experiment={experiment}", f"{key}={value.strip()}")


def test_the_slurm_launcher_goes_with_the_experiment(hydra_conf):
    cfg = composed("+experiment=full_comparison", "hydra/launcher=slurm", hydra=True)
    assert cfg.hydra.launcher._target_.endswith("SlurmLauncher")
    assert str(cfg.hydra.launcher.cpus_per_task) == cfg.hydra.job.env_set.FRAMING_TORCH_THREADS


def test_config_groups_mirror_the_code():
    assert set(options("model")) <= set(FAMILIES)
    assert Path(CONF / "config.yaml").exists()
