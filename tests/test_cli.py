"""The command line as a user meets it: help, completion, did-you-mean, usage errors, progress
and what a run shows on the terminal. Commands run in subprocesses (``conftest.framing``)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from framing import progress
from framing.cli import _config_help as config_help
from framing.cli._logs import third_party_output_to_log
from framing.cli._progress import ProgressDisplay, show_progress
from framing.cli.main import COMMANDS
from framing.cli.main import framing as framing_group

from conftest import PROJECT_ROOT, fit, framing

# ---------------------------------------------------------------------------- help


def every_command():
    """(path, Click command) of every command and subcommand framing has."""
    import click

    ctx = click.Context(framing_group, info_name="framing")
    for name in COMMANDS:
        command = framing_group.get_command(ctx, name)
        yield f"framing {name}", command
        for sub_name, sub in getattr(command, "commands", {}).items():
            yield f"framing {name} {sub_name}", sub


def test_every_argument_and_option_of_every_command_is_documented():
    seen = 0
    for path, command in every_command():
        assert command.help and len(command.help) > 20, path
        for param in command.params:
            assert param.help and len(param.help) > 10, (path, param.name)
            seen += 1
    assert seen > 60  # every command was reached, subcommands included


def test_the_command_list_loads_no_command_module():
    """framing --help and completing a command name stay fast: no command is imported."""
    code = (
        "import sys; from framing.cli.main import main; main(['--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('framing.cli.') "
        "and m.rsplit('.', 1)[1] in {c for c, _ in __import__('framing.cli.main', "
        "fromlist=['COMMANDS']).COMMANDS.values()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
    )
    assert done.returncode == 0, done.stderr
    assert "train" in done.stdout and "estimate" in done.stdout  # the command list
    assert done.stdout.strip().splitlines()[-1] == "[]"


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_predict_help_lists_its_config_keys_with_the_comments_of_predict_yaml():
    done = framing("predict", "--help")
    assert done.returncode == 0, done.stderr
    shown = normalised(done.stdout)
    keys = config_help.documented_keys(config_help.config_text("predict"))
    assert {k.name for k in keys} >= {"checkpoint", "input", "output", "batch_size", "workers"}
    for key in keys:
        if key.name == "shard":  # set by a sharded run for its jobs: not for users
            assert "shard=null" not in shown
            continue
        assert f"{key.name}=" in shown, key.name
        assert normalised(key.comment)[:40] in shown, key.name
    assert "checkpoint=... required." in shown
    for unused in ("model=", "task=", "eval="):  # train's groups: predict never uses them
        assert unused not in shown


def test_train_help_lists_tasks_families_protocols_and_settings():
    done = framing("train", "-h")
    assert done.returncode == 0, done.stderr
    shown = normalised(done.stdout)
    for family in config_help.group_options("model"):
        assert f"model={family}" in shown
    assert "model=tfidf_lr TF-IDF + LR" in shown  # the family's label from its config
    for option in ("task=frames", "task=stance", "eval=default", "eval=loo_outlet", "seed=0"):
        assert option in shown
    assert "eval.n_folds=5 Outer folds of the cross-validation" in shown
    assert "+experiment=full_comparison" in shown and "hydra/launcher=slurm" in shown


def test_a_studys_own_family_shows_in_train_help(tmp_path):
    assert framing("study", "init", "mine", cwd=tmp_path).returncode == 0
    (tmp_path / "mine" / "conf" / "model").mkdir(parents=True)
    (tmp_path / "mine" / "conf" / "model" / "my_family.yaml").write_text(
        "# A family of this study's own.\nname: my_family\nlabel: My own family\n"
    )
    shown = normalised(framing("train", "--help", cwd=tmp_path / "mine").stdout)
    assert "model=my_family My own family" in shown
    assert "model=tfidf_lr" in shown


# ---------------------------------------------------------------------------- did you mean


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_a_mistyped_command_names_the_closest_one():
    line = one_error_line(framing("trian"))
    assert "unknown command 'trian' — did you mean train?" in line
    assert "did you mean sample?" in one_error_line(framing("coding", "sampel"))


def test_a_mistyped_config_key_names_the_closest_one_not_hydras_advice(tmp_path):
    line = one_error_line(framing("train", "seeed=1", f"hydra.run.dir={tmp_path / 'run'}"))
    assert "unknown key 'seeed' — did you mean seed?" in line
    assert "+seeed" not in line and "append" not in line
    line = one_error_line(framing("train", "model=tfidf", f"hydra.run.dir={tmp_path / 'run'}"))
    assert "unknown model 'tfidf' — did you mean tfidf_lr or tfidf_svm?" in line
    line = one_error_line(framing("train", "model.C=2"))
    assert "did you mean model.estimator.C?" in line
    # a sweep is checked once, before any job starts
    line = one_error_line(framing("train", "-m", "seeed=1,2", f"hydra.sweep.dir={tmp_path / 's'}"))
    assert "unknown key 'seeed' — did you mean seed?" in line
    assert not (tmp_path / "run").exists() and not (tmp_path / "s").exists()
    assert "did you mean batch_size?" in one_error_line(framing("predict", "batchsize=3"))


def test_a_key_added_on_purpose_is_taken_as_hydra_takes_it():
    done = framing("train", "+my_note=hello", "--cfg", "job")
    assert done.returncode == 0, done.stderr
    assert "my_note: hello" in done.stdout


def test_usage_mistakes_are_one_error_line():
    assert "missing argument 'INPUT'" in one_error_line(framing("corpus"))
    line = one_error_line(framing("corpus", "x", "--outlet", "y"))
    assert "no such option --outlet — did you mean --outlets" in line
    line = one_error_line(framing("estimate", "a", "b", "--out", "o", "--plan", "1,x"))
    assert "--plan" in line and "1,x" in line
    assert "--install-completion" in one_error_line(framing("train", "-sc", "install=bash"))


# ---------------------------------------------------------------------------- completion


def complete(words: str, cword: int | None = None) -> list[str]:
    """What framing answers bash's completion request (Click's protocol) for ``words``."""
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        _FRAMING_COMPLETE="bash_complete",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - 1 if cword is None else cword),
    )
    env.pop("FRAMING_STUDY", None)
    done = subprocess.run(
        [sys.executable, "-m", "framing.cli.main"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


def test_completion_of_commands_subcommands_and_options():
    assert complete("framing tr") == ["train"]
    assert complete("framing coding sa") == ["sample"]
    assert set(complete("framing corpus --out")) == {"--out", "--outlets"}
    assert complete("framing estimate p.csv c.jsonl --diff") == ["--difference"]


def test_completion_of_train_and_predict_config_keys():
    families = set(config_help.group_options("model"))
    assert {f"model={f}" for f in families} <= set(complete("framing train model="))
    assert "model=" in complete("framing train mo")
    assert complete("framing train eval.n_f") == ["eval.n_folds="]
    assert "checkpoint=" in complete("framing predict che")
    assert not any(w.startswith("model") for w in complete("framing predict mo"))
    # bash splits a word at '=': the pieces are joined, the answer replaces bash's piece
    assert set(complete("framing train model = tf", 4)) == {"tfidf_lr", "tfidf_svm"}
    assert "=tfidf_lr" in complete("framing train model =", 3)


def _pty_bash(tmp_path: Path, keys: list[tuple[str, str]], script: Path) -> str:
    """Type ``keys`` into an interactive bash that sourced ``script``; returns what the
    ``framing`` function (standing in for running the command) received."""
    import pty
    import select
    import time

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / "framing"  # what the completion script runs to ask for completions
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m framing.cli.main "$@"\n')
    program.chmod(0o755)
    record = tmp_path / "typed.txt"
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        HOME=str(tmp_path),
        PS1="$ ",
        TERM="dumb",
        INPUTRC="/dev/null",
    )
    env.pop("FRAMING_STUDY", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive bash in the seed study
        os.chdir(PROJECT_ROOT)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
    screen = b""

    def read_until(expected: bytes, timeout: float = 90) -> None:
        nonlocal screen
        end = time.monotonic() + timeout
        while expected not in screen.replace(b"\x07", b"") and time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    screen += os.read(fd, 4096)
                except OSError:
                    break
        assert expected in screen.replace(b"\x07", b""), screen[-2000:]  # \x07: bash's bell

    try:
        os.write(fd, f"source '{script}'; framing() {{ echo \"$*\" > '{record}'; }}\n".encode())
        os.write(fd, b"echo READY\n")
        read_until(b"READY\r\n")
        for typed, expected in keys:
            os.write(fd, typed.encode())
            read_until(expected.encode())
        os.write(fd, b"\n")
        end = time.monotonic() + 30
        while not record.exists() and time.monotonic() < end:
            time.sleep(0.2)
        os.write(fd, b"exit\n")
    finally:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):  # bash did not exit: a step failed
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    return record.read_text().strip()


@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash")
def test_tab_completes_in_bash_with_the_installed_script(tmp_path):
    done = framing("--install-completion", "bash", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".local" / "share" / "framing" / "completion.bash"
    assert script.is_file()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    again = framing("--install-completion", "bash", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert again.returncode == 0
    assert (tmp_path / ".bashrc").read_text().count(str(script)) == 1  # added once
    typed = _pty_bash(
        tmp_path,
        [
            ("framing tr\t", "framing train "),
            ("model=tf\t", "model=tfidf_"),
            ("l\t", "model=tfidf_lr "),
        ],
        script,
    )
    assert typed == "train model=tfidf_lr"


# ---------------------------------------------------------------------------- progress


def lines_of(stream: io.StringIO) -> list[str]:
    return stream.getvalue().strip().splitlines()


def test_off_a_terminal_progress_is_a_line_per_tenth_with_rate_and_time_left():
    out = io.StringIO()
    with show_progress(stream=out, interactive=False):
        os.environ.pop("FRAMING_PROGRESS_SECONDS", None)
        logger_display = next(h for h in progress.logger.handlers if isinstance(h, ProgressDisplay))
        logger_display.min_gap_s = 0.0  # the test's steps come faster than a person's
        with progress.task("classify", total=40, unit="articles") as task:
            for _ in range(40):
                task.advance(1, sentences=3)
        with progress.task("read", unit="articles") as task:
            task.advance(7)
    lines = lines_of(out)
    assert lines[0] == "classify: started (40 articles)"
    steps = [line for line in lines if line.startswith("classify: ") and "%" in line]
    assert [re.search(r"\((\d+)%\)", line).group(1) for line in steps] == [
        str(p) for p in range(10, 101, 10)
    ]  # one line per tenth, not one per step
    assert re.match(
        r"classify: 12/40 articles \(30%\), [\d,.]+ articles/s, \d+:\d\d left; "
        r"36 sentences$",
        steps[2],
    )
    assert re.match(r"classify: done, 40 articles in \d+:\d\d .*; 120 sentences", lines[11])
    assert lines[-2:][0] == "read: started"  # no total known: no percentage, no time left
    assert lines[-1].startswith("read: done, 7 articles in")


def test_without_a_listener_progress_shows_nothing(capsys):
    with progress.task("classify", total=3) as task:
        task.advance(3)
    progress.advance()  # outside any task: nothing to advance
    assert capsys.readouterr() == ("", "")


def test_a_stage_names_where_inner_steps_happen():
    out = io.StringIO()
    os.environ["FRAMING_PROGRESS_SECONDS"] = "0"
    try:
        with (
            show_progress(stream=out, interactive=False),
            progress.task("cross-validation", total=2, unit="fits"),
        ):
            with progress.stage("fold 1/2"):
                progress.advance(note="inner fit 1/1")
            with progress.stage("fold 2/2"):
                progress.advance()
    finally:
        del os.environ["FRAMING_PROGRESS_SECONDS"]
    lines = lines_of(out)
    assert lines[1].endswith("; fold 1/2 · inner fit 1/1")
    assert lines[2].endswith("; fold 2/2")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, schema, toy_data) -> Path:
    from framing.checkpoint import save_checkpoint
    from framing.models import family_class

    texts, frames, _ = toy_data
    model = family_class("tfidf_lr")(min_df=1)
    fit(model, texts, frames, schema.labels("frames"))
    folder = tmp_path_factory.mktemp("ckpt") / "frames"
    save_checkpoint(
        model, folder, schema=schema, task="frames", config=None, data_sha256=None, metrics=None
    )
    return folder


#: six short articles of our own, written for these tests
NEWS = [
    "Leaders met in Hanoi to talk about energy. They signed agreements on trade and talks.",
    "The visit drew criticism from Washington, which warned of sanctions against partners.",
    "Officials spoke of decades of friendship and the history of the Soviet treaty.",
    "Vietnam keeps a neutral balance and does not take sides, the ministry said.",
    "Putin sought support to break the isolation. Partners in Asia listened.",
    "Roads, schools and a port were on the agenda. The talks ended on Thursday.",
]


def write_news(folder: Path) -> Path:
    folder.mkdir()
    for i, text in enumerate(NEWS):
        (folder / f"a{i}.txt").write_text(f"Story {i}\n\n{text}\n", encoding="utf-8")
    return folder


def test_predict_off_a_terminal_writes_progress_lines_with_totals(checkpoint, tmp_path):
    articles = write_news(tmp_path / "news")
    done = framing(
        "predict",
        f"checkpoint={checkpoint}",
        f"input={articles}",
        f"output={tmp_path / 'out'}",
        "figure=false",
        "batch_size=2",
        cwd=tmp_path,
        env={"FRAMING_PROGRESS_SECONDS": "0"},
    )
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert "load checkpoints: done, 1 checkpoint in" in err
    assert "read: done, 6 articles in" in err
    assert "classify: started (6 articles)" in err  # the first pass counted them
    assert re.search(r"classify: \d/6 articles \(\d+%\), .* left; \d+ sentences", err)
    assert "classify: 6/6 articles (100%)" in err
    assert re.search(
        r"in \d+:\d\d \([\d,.]+ sentences/s, loading and reading included\)", done.stdout
    )
    quiet = framing(
        "predict",
        f"checkpoint={checkpoint}",
        f"input={articles}",
        f"output={tmp_path / 'q'}",
        "figure=false",
        "progress=false",
        cwd=tmp_path,
    )
    # no progress; only the note that the package's cleaning rules apply (no study folder here)
    assert quiet.returncode == 0, quiet.stderr
    assert [line for line in quiet.stderr.splitlines() if not line.startswith("note:")] == []


def test_predict_on_a_terminal_draws_a_bar_with_total_percentage_and_eta(checkpoint, tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    articles = write_news(tmp_path / "news")
    command = [
        sys.executable,
        "-m",
        "framing.cli.main",
        "predict",
        f"checkpoint={checkpoint}",
        f"input={articles}",
        f"output={tmp_path / 'out'}",
        "figure=false",
        "batch_size=2",
    ]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TERM="xterm", COLUMNS="120")
    env.pop("FRAMING_STUDY", None)
    pid, fd = pty.fork()
    if pid == 0:  # a terminal of 24 x 120 (a new pty has no size: tqdm would draw nothing)
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        os.chdir(tmp_path)
        os.execvpe(sys.executable, command, env)
    screen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = screen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert re.search(r"classify: +100%\|.*\| 6/6 \[", text), text  # tqdm: % and total
    assert re.search(r"classify: +\d+%\|.*\| [1-5]/6 \[\d\d:\d\d<\d\d:\d\d", text), text  # ETA
    assert "read: " in text and "load checkpoints: " in text


def test_corpus_shows_its_two_passes_on_stderr_and_keeps_stdout_for_the_table():
    done = framing(
        "corpus",
        str(PROJECT_ROOT / "seeds" / "articles"),
        "--outlets",
        str(PROJECT_ROOT / "seeds" / "outlets.csv"),
        env={"FRAMING_PROGRESS_SECONDS": "0"},
    )
    assert done.returncode == 0, done.stderr
    articles = len(list((PROJECT_ROOT / "seeds" / "articles").glob("*.txt")))
    assert f"read: done, {articles} articles in" in done.stderr
    assert f"clean and split: started ({articles} articles)" in done.stderr
    assert f"clean and split: {articles}/{articles} articles (100%)" in done.stderr
    assert "read:" not in done.stdout and "clean and split" not in done.stdout
    assert done.stdout.startswith("| article | language |")


def test_train_shows_per_fit_progress_and_reads_like_a_person_wrote_it(tmp_path):
    frames = framing(
        "train",
        "model=tfidf_lr",
        "eval.bootstrap=50",
        f"hydra.run.dir={tmp_path / 'f'}",
        env={"FRAMING_PROGRESS_SECONDS": "0"},
    )
    assert frames.returncode == 0, frames.stderr
    shown = frames.stdout + frames.stderr
    assert "cross-validation: started (20 fits)" in shown  # 5 folds x (3 inner fits + 1)
    assert "cross-validation: 3/20 fits (15%)" in shown
    assert "; fold 1/5 · inner fit 3/3" in shown
    assert "final model: done, 1 fit in" in shown
    assert re.search(r"macro-F1 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\], micro-F1 0\.\d{3} \[", shown)
    assert "'mean'" not in shown and "{" not in shown
    stance = framing(
        "train",
        "task=stance",
        "model=majority",
        "eval.bootstrap=50",
        f"hydra.run.dir={tmp_path / 's'}",
    )
    assert stance.returncode == 0, stance.stderr
    shown = stance.stdout + stance.stderr
    assert "thresholds" not in shown and "None" not in shown
    assert "cross-validation: done, 5 fits in" in shown


# ---------------------------------------------------------------------------- logs


def test_other_libraries_output_goes_to_the_log_file_not_the_terminal(tmp_path):
    from tqdm import tqdm

    root = logging.getLogger()
    terminal = io.StringIO()
    console = logging.StreamHandler(terminal)
    log_file = logging.FileHandler(tmp_path / "train.log")
    saved_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(console)
    root.addHandler(log_file)
    try:
        with third_party_output_to_log():
            print("***** Running training *****")
            for _ in tqdm(range(3), desc="Batches"):
                pass
            logging.getLogger("sentence_transformers.base").info("Saving model to /x/.stage.tmp")
            warnings.warn_explicit("a library warning", UserWarning, "/site/transformers/a.py", 1)
            logging.getLogger("framing.train").info("macro-F1 0.533 [0.376, 0.684]")
            warnings.warn_explicit(
                "a framing warning", UserWarning, str(PROJECT_ROOT / "framing" / "x.py"), 1
            )
    finally:
        root.removeHandler(console)
        root.removeHandler(log_file)
        log_file.close()
        root.setLevel(saved_level)
    shown = terminal.getvalue()
    assert "macro-F1 0.533" in shown and "a framing warning" in shown
    for hidden in ("Running training", "Batches", ".stage.tmp", "a library warning"):
        assert hidden not in shown
    kept = (tmp_path / "train.log").read_text()
    for line in ("***** Running training *****", "Saving model to", "a library warning"):
        assert line in kept
    bars = [line for line in kept.splitlines() if "Batches" in line]
    assert len(bars) == 1 and "3/3" in bars[0]  # the bar's last state, once


@pytest.mark.slow
@pytest.mark.extra("transformers")
def test_setfit_banners_and_bars_stay_in_the_run_log(tmp_path):
    run = tmp_path / "run"
    done = framing(
        "train",
        "model=setfit",
        "task=stance",
        "model.estimator.max_steps=2",
        "eval.n_folds=2",
        "eval.bootstrap=20",
        f"hydra.run.dir={run}",
        f"paths.results_dir={tmp_path / 'r'}",
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr
    shown = done.stdout + done.stderr
    for hidden in ("Running training", "Batches", ".tmp", "sentence_transformers"):
        assert hidden not in shown
    assert "cross-validation: done, 2 fits" in shown
    log = (run / "train.log").read_text()
    assert "Running training" in log and "macro-F1" in log


# The README's table "Which commands need a study folder", run outside any study.
NEEDS_A_STUDY = {
    "train": ["train"],
    "plot": ["plot"],
    "learning-curve": ["learning-curve", "runs"],
    "coding sample": ["coding", "sample", "o.jsonl", "--strategy", "simple", "--size", "3"],
    "coding export": ["coding", "export", "s.jsonl", "--format", "csv", "--out", "o.csv"],
    "coding import": ["coding", "import", "x.csv", "--out", "y.jsonl"],
    "coding assemble": ["coding", "assemble"],
    "coding agreement": ["coding", "agreement"],
    "coding stats": ["coding", "stats"],
    "coding cues": ["coding", "cues"],
    "validate": ["validate", "ck", "--coded", "c.jsonl", "--sentences", "s.csv"],
    "estimate": ["estimate", "p.csv", "c.jsonl", "--out", "est"],
    "sample-size": ["sample-size", "p.csv", "c.jsonl"],
    "discover": ["discover", "p.csv", "--out", "disc"],
    "report": ["report"],
}


@pytest.mark.parametrize("args", NEEDS_A_STUDY.values(), ids=NEEDS_A_STUDY.keys())
def test_a_command_that_needs_a_study_says_so_outside_one(tmp_path, args):
    done = framing(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: no study folder found"), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_commands_that_need_no_study_run_outside_one(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("A headline\n\nA first sentence here. A second one.\n")
    done = framing("corpus", str(articles), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("note: no study folder here")
    done = framing("study", "init", "mystudy", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for args in (["compare", "none", "--out", "o"], ["push", "none", "me/x", "--dry-run", "d"]):
        done = framing(*args, cwd=tmp_path)  # they stop on the missing input, not the study
        assert done.returncode == 2 and "no study folder" not in done.stderr, done.stderr
