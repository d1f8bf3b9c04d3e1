"""Compose every Hydra config, so a typo fails here rather than an hour into a sweep."""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path

import pytest
from hydra import compose, initialize_config_module
from hydra.utils import get_class
from omegaconf import OmegaConf

from framing.data import TASKS, LabelSchema
from framing.evaluate import PROTOCOLS, THRESHOLD_MODES
from framing.models import FAMILIES
from framing.models.base import FramingClassifier

from conftest import PROJECT_ROOT

#: the package's configs (shipped as package data)
CONF = Path(str(resources.files("framing.conf")))
#: the keys of a model config that describe it; the estimator's parameters are under estimator
MODEL_META_KEYS = {"name", "label", "is_baseline", "estimator"}


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


@pytest.fixture(scope="module")
def hydra_conf():
    # the seed study (this repository) comes first on the search path, as for a user in it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRAMING_STUDY", str(PROJECT_ROOT))
        with initialize_config_module("framing.conf", version_base="1.3", job_name="train"):
            yield


def composed(*overrides: str, hydra: bool = False, config: str = "train"):
    cfg = compose(config, overrides=list(overrides), return_hydra_config=hydra)
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
        "frames",
        "tfidf_lr",
        "grouped_kfold",
        0,
    )
    assert cfg.study.name == "seeds", "the study's conf/study.yaml replaces the placeholder"
    assert cfg.hydra.job.name == "train"  # Hydra names the job log train.log after it
    assert cfg.hydra.run.dir.startswith("results/runs/")
    assert cfg.hydra.sweep.dir.startswith("results/multirun/")


@pytest.mark.parametrize("model", options("model"))
def test_every_model_config_builds_its_family(hydra_conf, model):
    cfg = composed(f"model={model}").model
    assert cfg.name == model, "the file name is the model= choice and the registry name"
    assert isinstance(cfg.label, str) and cfg.label and isinstance(cfg.is_baseline, bool)
    assert set(cfg) == MODEL_META_KEYS
    cls = get_class(cfg.estimator._target_)
    assert issubclass(cls, FramingClassifier) and cls.family == model
    assert FAMILIES[model] == f"{cls.__module__}:{cls.__name__}"
    params = set(cfg.estimator) - {"_target_"}
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert params <= accepted, f"{model}: unknown parameters {sorted(params - accepted)}"
    if "random_state" in accepted:  # the run's seed reaches every seeded family
        assert composed(f"model={model}", "seed=7").model.estimator.random_state == 7


@pytest.mark.parametrize("task", options("task"))
def test_every_task_config_names_a_task_of_the_schema(hydra_conf, task):
    cfg = composed(f"task={task}")
    schema = LabelSchema.from_dict(OmegaConf.to_container(cfg.study.schema))
    assert cfg.task.name == task and task in TASKS
    assert schema.labels(task)


@pytest.mark.parametrize("eval_name", options("eval"))
def test_every_eval_config(hydra_conf, eval_name):
    e = composed(f"eval={eval_name}").eval
    assert e.protocol in PROTOCOLS and e.thresholds in THRESHOLD_MODES
    assert e.inner_folds >= 2 and 0 < e.fixed < 1 and e.bootstrap > 0 and 0 < e.level < 1
    assert e.n_folds is None if e.protocol == "leave_one_outlet_out" else e.n_folds >= 2
    assert 0 < e.train_fraction <= 1


def test_the_seed_study_config_has_a_schema_and_its_paths(hydra_conf):
    study = composed().study
    LabelSchema.from_dict(OmegaConf.to_container(study.schema))
    for key in ("sentences", "articles", "outlets", "codebook"):
        assert (PROJECT_ROOT / study[key]).exists(), key


@pytest.mark.parametrize(
    "launcher",
    [
        pytest.param(name, marks=pytest.mark.extra("slurm")) if name == "slurm" else name
        for name in options("hydra/launcher")
    ],
)
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


@pytest.mark.extra("slurm")
def test_the_slurm_launcher_goes_with_the_experiment(hydra_conf):
    cfg = composed("+experiment=full_comparison", "hydra/launcher=slurm", hydra=True)
    assert cfg.hydra.launcher._target_.endswith("SlurmLauncher")
    assert str(cfg.hydra.launcher.cpus_per_task) == cfg.hydra.job.env_set.FRAMING_TORCH_THREADS


@pytest.mark.parametrize("config", ["train", "predict"])
def test_every_command_config_composes(hydra_conf, config):
    overrides = ["checkpoint=c", "input=i", "output=o"] if config == "predict" else []
    composed(*overrides, config=config)


def test_config_groups_mirror_the_code():
    assert set(options("model")) == set(FAMILIES)
    assert set(options("task")) == set(TASKS)
    assert (CONF / "train.yaml").exists() and (CONF / "study.yaml").exists()
