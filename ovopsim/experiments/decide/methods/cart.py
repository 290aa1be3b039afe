"""CART: a classification tree (scikit-learn) of the cases of interest. Rules are the
leaves that predict the cases of interest, each with its coverage and density;
``trajectory`` lists every leaf. See :mod:`ovopsim.experiments.decide.methods`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Finding, coverage_density, has_levels


def _numeric(x: pd.DataFrame) -> pd.DataFrame:
    """Text inputs one-hot (``name=level``), the rest as numbers."""
    cols = {}
    for col in x.columns:
        s = x[col]
        if has_levels(s):
            for level in sorted(map(str, s.unique())):
                cols[f"{col}={level}"] = (s.astype(str) == level).astype(float)
        else:
            cols[col] = s.astype(float)
    return pd.DataFrame(cols, index=x.index)


def analyze(x: pd.DataFrame, y: np.ndarray, seed: int, settings) -> Finding:
    from sklearn.tree import DecisionTreeClassifier, export_text

    X = _numeric(x)
    y = np.asarray(y, bool)
    leaf_min = max(1, int(np.ceil(settings.mass_min * len(X))))
    tree = DecisionTreeClassifier(max_depth=settings.max_depth, min_samples_leaf=leaf_min,
                                  random_state=int(seed)).fit(X.to_numpy(), y)
    t = tree.tree_
    names = list(X.columns)
    leaves = []

    def walk(node: int, conds: list[str]) -> None:
        if t.children_left[node] == -1:
            leaves.append((node, conds))
            return
        name, thr = names[t.feature[node]], t.threshold[node]
        walk(t.children_left[node], [*conds, f"{name} <= {thr:.3g}"])
        walk(t.children_right[node], [*conds, f"{name} > {thr:.3g}"])

    walk(0, [])
    leaf_of = tree.apply(X.to_numpy())
    rows = []
    for node, conds in leaves:
        cd = coverage_density(leaf_of == node, y)
        rows.append({"leaf": int(node), "rule": " and ".join(conds) or "(all cases)",
                     "predicts_target": bool(cd["density"] >= 0.5), **cd})
    table = pd.DataFrame(rows)
    rules = table[table["predicts_target"]].sort_values("coverage", ascending=False,
                                                         kind="stable").reset_index(drop=True)
    inside = np.isin(leaf_of, rules["leaf"].to_numpy()) if len(rules) else np.zeros(len(y), bool)
    stats = {"depth": int(tree.get_depth()), "leaves": int(tree.get_n_leaves()),
             "accuracy": float((tree.predict(X.to_numpy()) == y).mean()),
             **coverage_density(inside, y)}
    text = export_text(tree, feature_names=names, decimals=3)
    return Finding("cart", rules, stats, table, text)
