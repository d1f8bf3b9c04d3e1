"""Per-outlet shares pooled across outlets (framing.estimate.pooling / pooled): the Fay-Herriot
fit against samplics, the posterior against its closed form, what pooling does with
homogeneous and heterogeneous classifier errors, and the corpus estimand's design variance."""

from __future__ import annotations

import numpy as np
import pytest

from framing.estimate import pooling
from framing.estimate.pooled import OutletData, pool_outlets
from framing.estimate.ppi import corpus_mean, ppi_mean


def area_data(seed=0, m=20, A=0.0025):
    rng = np.random.default_rng(seed)
    x = rng.random(m)
    psi = rng.uniform(0.005, 0.02, m)
    theta = 0.1 + 0.5 * x + rng.normal(0, np.sqrt(A), m)
    return x, psi, theta, theta + rng.normal(0, np.sqrt(psi))


@pytest.mark.extra("dev")
def test_reml_fit_and_prasad_rao_mse_match_samplics():
    """Our vectorised REML (no adjustment) and MSE = g1 + g2 + 2 g3 against samplics'
    EblupAreaModel (REML), the same model fitted by Fisher scoring."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # samplics announces it is archived
        from samplics.sae import EblupAreaModel
        from samplics.utils.types import FitMethod

    x, psi, _, direct = area_data()
    m = len(x)
    reference = EblupAreaModel(method=FitMethod.reml)
    reference.fit(yhat=direct, X=x[:, None], area=np.arange(m), error_std=np.sqrt(psi), tol=1e-10)
    reference.predict(X=x[:, None], area=np.arange(m))
    ours = pooling.fit(direct, psi, np.column_stack([np.ones(m), x]), adjustment="none")
    assert pytest.approx(reference.re_std**2, rel=1e-4) == ours.A
    assert ours.beta == pytest.approx(reference.fixed_effects, rel=1e-5)
    assert ours.estimate == pytest.approx(np.array(list(reference.area_est.values())), rel=1e-5)
    mse = pooling.mse_terms(ours, np.eye(m))
    assert mse == pytest.approx(np.array(list(reference.area_mse.values())), rel=1e-4)


def test_adjusted_reml_never_estimates_zero_between_outlet_variance():
    """Plain REML puts A at 0 in about half of the samples when outlets do not differ, which
    claims the classifier errs the same everywhere; the adjusted likelihood keeps A > 0 and
    close to REML when A is large."""
    zeros, adjusted = 0, []
    for seed in range(40):
        x, psi, _, direct = area_data(seed, A=0.0)
        X = np.column_stack([np.ones(len(x)), x])
        zeros += pooling.fit(direct, psi, X, "none").A == 0
        adjusted.append(pooling.fit(direct, psi, X).A)
    assert zeros >= 10 and min(adjusted) > 0
    plain, adjusted = [], []
    for seed in range(40):
        x, psi, _, direct = area_data(seed, A=0.02)
        X = np.column_stack([np.ones(len(x)), x])
        plain.append(pooling.fit(direct, psi, X, "none").A)
        adjusted.append(pooling.fit(direct, psi, X).A)
    assert np.mean(plain) == pytest.approx(0.02, rel=0.3)
    assert np.mean(adjusted) == pytest.approx(0.02, rel=0.3)


def test_posterior_draws_match_the_closed_form_mixture():
    x, psi, _, direct = area_data(2)
    model = pooling.fit(direct, psi, np.column_stack([np.ones(len(x)), x]))
    mean, sd, low, high = pooling.posterior_interval(model, np.eye(len(x)))
    draws = pooling.posterior_draws(model, 20_000, np.random.default_rng(0))
    assert draws.mean(axis=0) == pytest.approx(mean, abs=0.004)
    assert np.quantile(draws, 0.025, axis=0) == pytest.approx(low, abs=0.01)
    assert np.quantile(draws, 0.975, axis=0) == pytest.approx(high, abs=0.01)
    assert ((low < model.estimate) & (model.estimate < high)).all()


def outlet_sample(bias, rng, n_per_outlet=12, N=300):
    """Coded units of H outlets: true shares vary, the classifier's probability is the truth's
    share shifted by the outlet's ``bias``; a simple random sample of 12 per outlet."""
    H = len(bias)
    share = rng.uniform(0.1, 0.5, H)
    outlet, y, f, means = [], [], [], []
    for h in range(H):
        truth = (rng.random(N) < share[h]) * 1.0
        prob = np.clip(0.15 + 0.6 * truth + bias[h] + rng.normal(0, 0.1, N), 0.01, 0.99)
        means.append(prob.mean())
        pick = rng.choice(N, n_per_outlet, replace=False)
        outlet.append(np.full(n_per_outlet, h))
        y.append(truth[pick])
        f.append(prob[pick])
    outlet = np.concatenate(outlet)
    n = len(outlet)
    return OutletData(
        outlet=outlet,
        y=np.concatenate(y)[:, None],
        f=np.concatenate(f)[:, None],
        clusters=np.arange(n).astype(str),
        weights=np.ones(n),
        fraction=np.full(n, n_per_outlet / N),
        corpus_mean=np.array(means)[:, None],
        corpus_variance=np.zeros((H, 1)),
        population=np.full(H, float(N)),
    )


def test_homogeneous_errors_pool_narrow_and_heterogeneous_errors_widen():
    """Same classifier error in every outlet: the pooled intervals are far narrower than the
    outlets' own; one outlet with a much larger error: the model sees the spread (larger
    between-outlet variance) and that outlet leans more on its own coded sentences."""
    rng = np.random.default_rng(4)
    H = 20
    same = outlet_sample(np.zeros(H), rng)
    pooled = pool_outlets(same, np.array([1.0]), draws=2000)
    own = np.array(
        [
            ppi_mean(
                same.y[same.outlet == h],
                same.f[same.outlet == h],
                np.arange(12),
                corpus_mean(same.corpus_mean[h][None], np.ones(1), estimand="corpus"),
                lam=1.0,
                fraction=np.full(12, 12 / 300),
            ).se[0]
            for h in range(H)
        ]
    )
    pooled_half = np.median(pooled.high - pooled.low) / 2
    assert pooled_half < 0.75 * np.median(1.96 * own)
    bias = np.zeros(H)
    bias[0] = 0.35
    odd = outlet_sample(bias, np.random.default_rng(4))
    pooled_odd = pool_outlets(odd, np.array([1.0]), draws=2000)
    assert pooled_odd.between_variance[0] > 3 * pooled.between_variance[0]
    assert pooled_odd.weight_own[0, 0] > pooled.weight_own[0, 0]


def test_an_outlet_with_nothing_coded_gets_a_finite_pooled_interval():
    data = outlet_sample(np.zeros(10), np.random.default_rng(5))
    keep = data.outlet != 3
    data.outlet, data.y, data.f = data.outlet[keep], data.y[keep], data.f[keep]
    data.clusters, data.weights = data.clusters[keep], data.weights[keep]
    data.fraction = data.fraction[keep]
    pooled = pool_outlets(data, np.array([1.0]), draws=2000)
    assert np.isfinite(pooled.low[3, 0]) and 0 < pooled.high[3, 0] - pooled.low[3, 0] < 0.8
    assert pooled.weight_own[3, 0] == 0


def test_corpus_estimand_is_exact_under_a_census_and_srs_variance_otherwise():
    """Every unit coded: zero-width interval at the true share. A simple random sample of n
    of N: the variance of the mean is (1 - n/N) s^2 / n (the textbook design variance)."""
    rng = np.random.default_rng(6)
    N = 400
    y = (rng.random((N, 1)) < 0.3) * 1.0
    f = np.clip(y * 0.7 + rng.random((N, 1)) * 0.3, 0, 1)
    known = corpus_mean(f, np.ones(N), estimand="corpus")
    census = ppi_mean(y, f, np.arange(N), known, fraction=np.ones(N))
    assert census.estimate[0] == pytest.approx(y.mean())
    assert census.high[0] - census.low[0] == pytest.approx(0.0, abs=1e-12)
    n = 80
    idx = rng.choice(N, n, replace=False)
    alone = ppi_mean(y[idx], f[idx], idx, known, lam=0.0, fraction=np.full(n, n / N))
    expected = (1 - n / N) * y[idx].var(ddof=1) / n
    assert alone.se[0] ** 2 == pytest.approx(expected, rel=1e-9)
    stratified = ppi_mean(
        y[idx], f[idx], idx, known, lam=0.0, strata=idx % 2, fraction=np.full(n, n / N)
    )
    assert stratified.df == n - 2


@pytest.mark.extra("dev")
def test_cross_prediction_combination_matches_ppi_python():
    """Cross-prediction's estimate is PPI (lam = 1) with each coded unit's held-out prediction
    and the corpus's average over the fold models: ppi-python's crossppi_mean_ci on the same
    arrays (process estimand, sentences as units, normal quantile)."""
    from ppi_py import crossppi_mean_ci, crossppi_mean_pointestimate

    rng = np.random.default_rng(7)
    n, N, K = 300, 5000, 5
    y = (rng.random(n) < 0.3) * 1.0
    held_out = np.clip(y * 0.6 + rng.random(n) * 0.4, 0, 1)
    unlabelled = rng.random((N, K)) * 0.8
    average = unlabelled.mean(axis=1)
    corpus = corpus_mean(
        average[:, None], np.ones(N), by_sentence=True, squares=average[:, None] ** 2
    )
    ours = ppi_mean(
        y[:, None], held_out[:, None], np.arange(n), corpus, lam=1.0, clustered_df=False
    )
    low, high = crossppi_mean_ci(y, held_out, unlabelled, alpha=0.05)
    assert ours.estimate[0] == pytest.approx(
        float(np.ravel(crossppi_mean_pointestimate(y, held_out, unlabelled))[0]), abs=1e-12
    )
    # equal up to ddof (n - 1 against n in the variances)
    assert ours.low[0] == pytest.approx(float(np.ravel(low)[0]), rel=3e-3)
    assert ours.high[0] == pytest.approx(float(np.ravel(high)[0]), rel=3e-3)
