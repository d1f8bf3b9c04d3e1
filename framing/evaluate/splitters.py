"""Cross-validation splitters in which no duplicate group crosses train/test.

Both are scikit-learn cross-validators (``BaseCrossValidator``; ``GroupsConsumerMixin``: they
ask for ``groups`` under metadata routing), so they can be handed to ``cross_val_score``,
``GridSearchCV`` or ``cross_validate``, with or without ``enable_metadata_routing``:

- ``DuplicateGroupKFold``: shuffled, stratified k-fold over duplicate groups (``groups``);
  multi-label targets by iterative stratification, single-label by StratifiedGroupKFold;
- ``LeaveOneOutletOut``: one fold per outlet (``groups`` = outlets); training drops every
  sentence whose duplicate group also appears in the test outlet (e.g. a wire copy).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.model_selection import BaseCrossValidator, StratifiedGroupKFold

# scikit-learn's own splitters that need groups (GroupKFold, LeaveOneGroupOut) use this mixin;
# it is not exported from sklearn.model_selection (scikit-learn 1.9)
from sklearn.model_selection._split import GroupsConsumerMixin


def iterative_group_folds(y: np.ndarray, groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number per row by iterative stratification (Sechidis et al., 2011) over groups.

    Multi-label targets have too many label combinations for StratifiedGroupKFold, so whole
    duplicate groups are dealt out label by label, rarest label first, each to the fold that
    still wants most of that label; groups without any label go where most rows are wanted.
    """
    rng = np.random.default_rng(seed)
    unique, inverse = np.unique(groups, return_inverse=True)
    n_groups = len(unique)
    group_labels = np.zeros((n_groups, y.shape[1]))
    np.add.at(group_labels, inverse, y)
    group_sizes = np.bincount(inverse, minlength=n_groups).astype(float)
    want_labels = np.tile(group_labels.sum(axis=0) / n_folds, (n_folds, 1))
    want_rows = np.full(n_folds, group_sizes.sum() / n_folds)
    fold_of_group = np.full(n_groups, -1)
    order = rng.permutation(n_groups)  # the seed's shuffle: which group goes first on ties

    def best_fold(scores: list[np.ndarray]) -> int:
        candidates = np.arange(n_folds)
        for score in scores:  # lexicographic: first score, ties broken by the next one
            top = score[candidates].max()
            candidates = candidates[np.isclose(score[candidates], top)]
        return int(rng.choice(candidates))

    def assign(g: int, fold: int) -> None:
        fold_of_group[g] = fold
        want_labels[fold] -= group_labels[g]
        want_rows[fold] -= group_sizes[g]

    while True:
        open_groups = order[fold_of_group[order] < 0]
        remaining = group_labels[open_groups].sum(axis=0)
        if not remaining.any():
            break
        label = int(np.where(remaining > 0, remaining, np.inf).argmin())
        for g in open_groups[group_labels[open_groups, label] > 0]:
            assign(g, best_fold([want_labels[:, label], want_rows]))
    for g in order[fold_of_group[order] < 0]:
        assign(g, best_fold([want_rows]))
    return fold_of_group[inverse]


def _groups_of(groups, n: int) -> np.ndarray:
    if groups is None:
        raise ValueError("the 'groups' parameter should not be None (duplicate groups)")
    groups = np.asarray(groups)
    if len(groups) != n:
        raise ValueError(f"{n} texts but {len(groups)} groups")
    return groups


class DuplicateGroupKFold(GroupsConsumerMixin, BaseCrossValidator):
    """Shuffled, stratified k-fold in which no duplicate group (``groups``) crosses train/test.

    ``y`` an (n, k) 0/1 matrix: iterative stratification over groups, which balances every
    frame's positives across folds; ``y`` a vector: scikit-learn's StratifiedGroupKFold.
    """

    def __init__(self, n_splits: int = 5, *, random_state: int = 0):
        self.n_splits = n_splits
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return int(self.n_splits)

    def split(self, X, y, groups=None):
        y = np.asarray(y)
        groups = _groups_of(groups, len(y))
        rows = np.arange(len(y))
        if y.ndim == 2:
            fold_of_row = iterative_group_folds(y, groups, self.n_splits, self.random_state)
            for f in range(self.n_splits):
                yield rows[fold_of_row != f], rows[fold_of_row == f]
            return
        splitter = StratifiedGroupKFold(
            n_splits=self.n_splits, shuffle=True, random_state=self.random_state
        )
        with warnings.catch_warnings():
            # "least populated class has fewer members than n_splits": checked per label by
            # framing.evaluate.check_enough_examples, with a message naming the label
            warnings.simplefilter("ignore", UserWarning)
            yield from splitter.split(rows, y, groups)


class LeaveOneOutletOut(GroupsConsumerMixin, BaseCrossValidator):
    """One fold per outlet (``groups`` = outlets, in sorted order). With ``duplicate_groups``
    (one id per row), a training sentence whose duplicate group also appears in the test outlet
    is dropped, so no copy crosses train/test here either."""

    def __init__(self, *, duplicate_groups=None):
        self.duplicate_groups = duplicate_groups

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return len(np.unique(_groups_of(groups, len(groups))))

    def split(self, X, y=None, groups=None):
        n = len(X) if X is not None else len(groups)
        outlets = _groups_of(groups, n)
        dup = None if self.duplicate_groups is None else _groups_of(self.duplicate_groups, n)
        for outlet in sorted(set(outlets.tolist())):
            test = np.flatnonzero(outlets == outlet)
            leaked = np.isin(dup, dup[test]) if dup is not None else outlets == outlet
            yield np.flatnonzero(~leaked), test

    def __repr__(self) -> str:
        return "LeaveOneOutletOut()"
