"""python -m experiments.training_fit: the training-set fit check behind the fine-tune budget."""

from __future__ import annotations

from experiments.training_fit import main, training_fit


def test_a_model_that_learns_fits_its_training_data():
    fit = training_fit(["model=tfidf_lr", "task=stance"])
    assert (fit["task"], fit["model"], fit["n_sentences"]) == ("stance", "tfidf_lr", 167)
    assert fit["training_macro_f1"] > 0.9
    assert set(fit["training_f1"]) == {"favourable", "neutral", "critical"}


def test_the_prior_never_reaches_a_frame_at_threshold_half():
    # every frame is in fewer than half the sentences: prior probabilities stay below 0.5
    fit = training_fit(["model=majority", "task=frames"])
    assert fit["training_macro_f1"] == 0.0


def test_prints_one_line_and_refuses_an_unknown_model(capsys):
    assert main(["model=lexicon"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "training macro-F1" in out[0] and out[0].startswith("frames lexicon")
    assert main(["model=nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: unknown model 'nope'")
