"""Partial pooling of per-outlet shares: a Fay-Herriot (area-level) model, empirical Bayes.

Each outlet h has a direct estimate d_h of its share (the coded sample's correction of the
classifier's outlet share, ``framing.estimate.outlets``) with a sampling variance psi_h, and a
covariate: the classifier's own share of the outlet, m_h, known for every outlet. The model
(Fay & Herriot 1979; Rao & Molina 2015, ch. 6):

    d_h = theta_h + e_h,    e_h ~ N(0, psi_h)            (sampling error, psi_h known)
    theta_h = x_h' beta + u_h,    u_h ~ N(0, A)          (x_h = [1, m_h], or [1])

theta_h - m_h is the classifier's error in outlet h: when it is the same function of m_h in
every outlet (errors homogeneous), A is near 0 and every outlet's share is read off the line
fitted over all outlets: narrow intervals from few coded sentences per outlet. When errors
differ between outlets, A is large, and each outlet leans on its own coded sentences. The
empirical best linear unbiased predictor (EBLUP) is

    theta~_h = gamma_h d_h + (1 - gamma_h) x_h' beta^,   gamma_h = A / (A + psi_h),

and an outlet with no coded sentence gets x_h' beta^ (gamma 0): a pooled estimate still.

The between-outlet variance A is estimated by REML, maximised on a grid of A and refined by
golden section, vectorised over many fits at once (labels, bootstrap draws); by default with
Li & Lahiri's (2010) adjustment (REML likelihood times A), which keeps A^ > 0: an estimate of
exactly 0 would claim the classifier's errors are the same everywhere and give intervals that
undercover whenever they are not.

Mean squared error of any linear combination c' theta (one outlet, a difference of two, an
outlet minus the rest), after Prasad & Rao (1990) and Datta & Lahiri (2000):

    g1 = sum_h c_h^2 gamma_h psi_h
    g2 = l' (X' V^-1 X)^-1 l,  l = sum_h c_h (1 - gamma_h) x_h
    g3 = sum_h c_h^2 psi_h^2 / (A + psi_h)^3 * 2 / sum_h (A + psi_h)^-2
    mse = g1 + g2 + 2 g3

and a parametric bootstrap (Butar & Lahiri 2003; Chatterjee, Lahiri & Li 2008) draws
u*, e* from the fitted model, refits, and takes the interval from the quantiles of
c'(theta~* - theta*): it carries the skewness of A^ that the Taylor terms miss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

GRID = np.concatenate([[0.0], np.logspace(-7, 0, 57)])
GOLDEN = (np.sqrt(5) - 1) / 2
ADJUSTMENTS = ("yoshimori_lahiri", "li_lahiri", "none")
INTERVALS = ("bayes", "bootstrap", "prasad_rao")


@dataclass
class FayHerriot:
    """A fitted model for one label: what the EBLUP and its MSE need."""

    X: np.ndarray  # (m, p) covariates of every outlet
    direct: np.ndarray  # (m,) direct estimates (nan where nothing was coded)
    psi: np.ndarray  # (m,) sampling variances (inf where nothing was coded)
    A: float
    beta: np.ndarray  # (p,)
    adjustment: str

    @property
    def sampled(self) -> np.ndarray:
        return np.isfinite(self.psi)

    @property
    def gamma(self) -> np.ndarray:
        return np.where(self.sampled, self.A / np.maximum(self.A + self.psi, 1e-300), 0.0)

    @property
    def synthetic(self) -> np.ndarray:
        return self.X @ self.beta

    @property
    def estimate(self) -> np.ndarray:
        g = self.gamma
        own = np.where(self.sampled, g * np.nan_to_num(self.direct), 0.0)
        return own + (1 - g) * self.synthetic


def _gls(direct, psi, X, A):
    """(beta (B, p), inverse information (B, p, p), residuals (B, m), v (B, m)) of the GLS fit
    at between-outlet variance A (B,); direct, psi (B, m) over the sampled outlets. X has one
    or two columns ([1] or [1, m_h]): the 2 x 2 algebra is written out (fast over many B)."""
    v = A[:, None] + psi
    w = 1.0 / np.maximum(v, 1e-300)
    if X.shape[1] == 1:
        s0 = w @ (X[:, 0] ** 2)
        beta = ((w * direct) @ X[:, 0] / s0)[:, None]
        inv = (1.0 / s0)[:, None, None]
    else:
        a, b = X[:, 0], X[:, 1]
        s_aa, s_ab, s_bb = w @ (a * a), w @ (a * b), w @ (b * b)
        t_a, t_b = (w * direct) @ a, (w * direct) @ b
        det = s_aa * s_bb - s_ab**2
        det = np.where(np.abs(det) > 1e-300, det, np.nan)
        inv = (
            np.stack([np.stack([s_bb, -s_ab], axis=1), np.stack([-s_ab, s_aa], axis=1)], axis=1)
            / det[:, None, None]
        )
        beta = np.stack([(s_bb * t_a - s_ab * t_b) / det, (s_aa * t_b - s_ab * t_a) / det], axis=1)
    return beta, inv, direct - beta @ X.T, v


def _log_likelihood(direct, psi, X, A, adjustment):
    """Restricted log-likelihood (B,) at A (B,), plus the adjustment's log factor. The GLS
    algebra of ``_gls`` inlined (this is the inner loop of every fit)."""
    v = A[:, None] + psi
    w = 1.0 / np.maximum(v, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        if X.shape[1] == 1:
            a = X[:, 0]
            s_aa = w @ (a * a)
            beta_a = (w * direct) @ a / s_aa
            resid = direct - beta_a[:, None] * a
            log_det = np.log(s_aa)
        else:
            a, b = X[:, 0], X[:, 1]
            s_aa, s_ab, s_bb = w @ (a * a), w @ (a * b), w @ (b * b)
            wd = w * direct
            t_a, t_b = wd @ a, wd @ b
            det = s_aa * s_bb - s_ab**2
            beta_a = (s_bb * t_a - s_ab * t_b) / det
            beta_b = (s_aa * t_b - s_ab * t_a) / det
            resid = direct - beta_a[:, None] * a - beta_b[:, None] * b
            log_det = np.log(det)
        value = -0.5 * (np.log(v).sum(axis=1) + log_det + (resid**2 * w).sum(axis=1))
        if adjustment == "li_lahiri":
            value = value + np.log(A)
        elif adjustment == "yoshimori_lahiri":
            share = (A[:, None] * w).sum(axis=1)  # trace of I - B: the outlets' weights gamma
            value = value + np.log(np.arctan(share)) / v.shape[1]
    return np.where(np.isfinite(value), value, -np.inf)


def fit_variance(direct: np.ndarray, psi: np.ndarray, X: np.ndarray, adjustment: str) -> np.ndarray:
    """REML (or adjusted REML) estimates of A for B fits at once: ``direct``, ``psi`` (B, m)
    over the m sampled outlets, shared covariates ``X`` (m, p)."""
    direct, psi = np.atleast_2d(direct), np.broadcast_to(np.atleast_2d(psi), np.shape(direct))
    B = direct.shape[0]
    grid = GRID[1:] if adjustment != "none" or (psi <= 0).any() else GRID
    values = np.stack(
        [_log_likelihood(direct, psi, X, np.full(B, a), adjustment) for a in grid], axis=1
    )
    best = values.argmax(axis=1)
    lo = grid[np.maximum(best - 1, 0)]
    hi = grid[np.minimum(best + 1, len(grid) - 1)]
    # golden section between the grid neighbours of the best grid point
    for _ in range(24):
        x1 = hi - GOLDEN * (hi - lo)
        x2 = lo + GOLDEN * (hi - lo)
        left = _log_likelihood(direct, psi, X, x1, adjustment) >= _log_likelihood(
            direct, psi, X, x2, adjustment
        )
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
    A = (lo + hi) / 2
    at_zero = (best == 0) & (grid[0] == 0.0)
    return np.where(at_zero, 0.0, A)


def fit(
    direct: np.ndarray, psi: np.ndarray, X: np.ndarray, adjustment: str = "li_lahiri"
) -> FayHerriot:
    """The model of one label over m outlets; outlets with psi = inf (nothing coded) are left
    out of the fit and predicted from the covariates."""
    direct, psi, X = np.asarray(direct, float), np.asarray(psi, float), np.asarray(X, float)
    s = np.isfinite(psi)
    A = float(fit_variance(direct[s][None], psi[s][None], X[s], adjustment)[0])
    beta, _, _, _ = _gls(direct[s][None], psi[s][None], X[s], np.array([A]))
    return FayHerriot(X, direct, psi, A, beta[0], adjustment)


def mse_terms(model: FayHerriot, C: np.ndarray, with_g3: bool = True) -> np.ndarray:
    """Prasad-Rao / Datta-Lahiri MSE of each combination in ``C`` (r, m): g1 + g2 + 2 g3
    (g1 + g2, the MSE at a known A, without ``with_g3``)."""
    C = np.atleast_2d(np.asarray(C, dtype=float))
    s, A, psi, gamma = model.sampled, model.A, model.psi, model.gamma
    v = np.where(s, A + psi, np.inf)
    g1_unit = np.where(s, gamma * np.where(s, psi, 0.0), A)
    g1 = (C**2) @ g1_unit
    Xs = model.X[s]
    info = np.linalg.pinv(Xs.T @ (Xs / v[s][:, None]))
    L = (C * (1 - gamma)) @ model.X
    g2 = np.einsum("rp,pq,rq->r", L, info, L)
    var_A = 2.0 / np.sum(1.0 / v[s] ** 2)
    g3_unit = np.where(s, np.where(s, psi, 0.0) ** 2 / np.where(s, v, 1.0) ** 3, 0.0) * var_A
    g3 = (C**2) @ g3_unit
    return g1 + g2 + (2 * g3 if with_g3 else 0.0)


def prasad_rao_interval(model: FayHerriot, C: np.ndarray, level: float = 0.95):
    """(estimate, se, low, high) of each combination with the normal quantile."""
    C = np.atleast_2d(np.asarray(C, dtype=float))
    est = C @ model.estimate
    se = np.sqrt(np.maximum(mse_terms(model, C), 0.0))
    z = stats.norm.ppf((1 + level) / 2)
    return est, se, est - z * se, est + z * se


def bootstrap_interval(
    model: FayHerriot,
    C: np.ndarray,
    level: float = 0.95,
    draws: int = 400,
    rng: np.random.Generator | None = None,
):
    """(estimate, se, low, high) of each combination in ``C`` (r, m) from a parametric
    bootstrap of the fitted model: theta* = X beta^ + u*, d* = theta* + e* on the sampled
    outlets, A and beta refitted, c'(theta~* - theta*) gives the interval's offsets and its
    standard deviation the se."""
    rng = rng or np.random.default_rng(0)
    C = np.atleast_2d(np.asarray(C, dtype=float))
    s = model.sampled
    m = len(model.psi)
    theta = model.synthetic[None, :] + rng.normal(0, np.sqrt(model.A), (draws, m))
    psi_s = model.psi[s]
    direct = theta[:, s] + rng.normal(0, 1, (draws, int(s.sum()))) * np.sqrt(psi_s)
    Xs = model.X[s]
    A = fit_variance(direct, np.broadcast_to(psi_s, direct.shape), Xs, model.adjustment)
    beta, _, _, _ = _gls(direct, np.broadcast_to(psi_s, direct.shape), Xs, A)
    synthetic = beta @ model.X.T  # (draws, m)
    gamma = np.zeros((draws, m))
    gamma[:, s] = A[:, None] / np.maximum(A[:, None] + psi_s, 1e-300)
    fitted = synthetic.copy()
    fitted[:, s] = gamma[:, s] * direct + (1 - gamma[:, s]) * synthetic[:, s]
    errors = (fitted - theta) @ C.T  # (draws, r)
    est = C @ model.estimate
    tail = (1 - level) / 2
    q_low, q_high = np.quantile(errors, [tail, 1 - tail], axis=0)
    se = np.sqrt((errors**2).mean(axis=0))
    return est, se, est - q_high, est - q_low


# ---------------------------------------------------------------------------- hierarchical Bayes
POSTERIOR_GRID = np.concatenate([[0.0], np.geomspace(1e-6, 0.25, 120)])


def posterior_interval(model: FayHerriot, C: np.ndarray, level: float = 0.95):
    """(posterior mean, posterior sd, low, high) of each combination in ``C`` (r, m) with A
    integrated out instead of plugged in: beta flat, A flat on [0, 0.25] (the largest variance
    a share can have), so p(A | data) is the restricted likelihood; given A, theta is normal
    with mean the EBLUP at A and variance g1(A) + g2(A). The interval holds the posterior's
    central ``level`` (quantiles of the mixture over the grid of A). Where the data say little
    about A, outlets far from the line get wide intervals, not the plug-in's narrow ones."""
    C = np.atleast_2d(np.asarray(C, dtype=float))
    s = model.sampled
    d, psi, X = model.direct[s], model.psi[s], model.X[s]
    grid = POSTERIOR_GRID[1:] if (psi <= 0).any() else POSTERIOR_GRID
    G = len(grid)
    loglik = _log_likelihood(
        np.broadcast_to(d, (G, len(d))), np.broadcast_to(psi, (G, len(d))), X, grid, "none"
    )
    step = np.gradient(grid)  # flat prior on A: integrate in A
    logw = loglik + np.log(step)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    means, variances = [], []
    for a, weight in zip(grid, w, strict=True):
        if weight < 1e-10:
            means.append(np.zeros(len(C)))
            variances.append(np.ones(len(C)))
            continue
        beta, _, _, _ = _gls(d[None], psi[None], X, np.array([a]))
        at = FayHerriot(model.X, model.direct, model.psi, float(a), beta[0], model.adjustment)
        means.append(C @ at.estimate)
        variances.append(mse_terms(at, C, with_g3=False))
    means, sds = np.array(means), np.sqrt(np.maximum(np.array(variances), 1e-300))  # (G, r)
    mean = w @ means
    sd = np.sqrt(w @ (sds**2 + means**2) - mean**2)
    tail = (1 - level) / 2
    lo = (means - 10 * sds).min(axis=0)
    hi = (means + 10 * sds).max(axis=0)
    bounds = []
    for target in (tail, 1 - tail):
        a, b = lo.copy(), hi.copy()
        for _ in range(50):
            mid = (a + b) / 2
            cdf = w @ stats.norm.cdf((mid - means) / sds)
            below = cdf < target
            a, b = np.where(below, mid, a), np.where(below, b, mid)
        bounds.append((a + b) / 2)
    return mean, sd, bounds[0], bounds[1]


def posterior_draws(model: FayHerriot, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, m) draws of every outlet's theta from the posterior of ``posterior_interval``'s
    model (beta flat, A flat on [0, 0.25]): A from its grid, beta given A, then each outlet
    given A and beta (independent: the model's outlets are exchangeable given them)."""
    s = model.sampled
    d, psi, X = model.direct[s], model.psi[s], model.X[s]
    grid = POSTERIOR_GRID[1:] if (psi <= 0).any() else POSTERIOR_GRID
    G = len(grid)
    loglik = _log_likelihood(
        np.broadcast_to(d, (G, len(d))), np.broadcast_to(psi, (G, len(d))), X, grid, "none"
    )
    logw = loglik + np.log(np.gradient(grid))
    w = np.exp(logw - logw.max())
    w /= w.sum()
    A = grid[rng.choice(G, size=draws, p=w)]
    beta, inv, _, _ = _gls(
        np.broadcast_to(d, (draws, len(d))), np.broadcast_to(psi, (draws, len(d))), X, A
    )
    chol = np.linalg.cholesky(inv + 1e-15 * np.eye(inv.shape[1]))
    beta = beta + np.einsum("bpq,bq->bp", chol, rng.standard_normal(beta.shape))
    mean = beta @ model.X.T  # (draws, m)
    psi_all = np.where(s, model.psi, np.inf)
    gamma = np.where(s, A[:, None] / np.maximum(A[:, None] + psi_all, 1e-300), 0.0)
    centre = np.where(s, gamma * np.nan_to_num(model.direct) + (1 - gamma) * mean, mean)
    spread = np.where(s, gamma * np.where(s, model.psi, 0.0), A[:, None])
    return centre + np.sqrt(np.maximum(spread, 0.0)) * rng.standard_normal(centre.shape)
