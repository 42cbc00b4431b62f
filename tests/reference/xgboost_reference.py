"""XGBoost's side of tests/e2e/python_xgboost_import.sh: real boosters trained here, their own
predictions and leaf choices, and the comparison with what outcore computed.

  gen DIR            train.csv, test.csv (missing values; rows placed on and around the
                     boosters' float32 thresholds), binary.json, multi.json, reg.json,
                     categorical.json (x2's codes split on category sets),
                     early.json (binary, trained with early stopping: it records
                     best_iteration, and its expected values are those of its first
                     best_iteration + 1 rounds, as XGBClassifier.predict scores it),
                     expected_NAME.npy (booster.predict), leaves_NAME.npy (pred_leaf=True),
                     and refused models: dart.json, gblinear.json, pseudohuber.json
  check DIR NAME PRED.json MODEL.json
                     PRED.json: DuckDB's rows of outcore predict's Parquet parts (input order);
                     predictions must equal XGBoost's within 1e-6 per row, and the leaf
                     outcore's scorer chooses in every tree (read through the Python module)
                     must be XGBoost's; prints a JSON summary
"""

import json
import math
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

FEATURES = ["x0", "x1", "x2", "x3", "x4"]
ROUNDS = {"binary": 30, "multi": 12, "reg": 30, "early": 300, "categorical": 20}
# The categorical booster reads x2 (whole numbers 0 to 9) as category codes.
CATEGORICAL_TYPES = ["q", "q", "c", "q", "q"]


def make_rows(rng, n):
    x0 = rng.normal(size=n)
    x1 = rng.random(n)
    x1[rng.random(n) < 0.15] = np.nan
    x2 = rng.integers(0, 10, n).astype(float)
    x3 = rng.random(n) * 1000.0 / 3.0  # many digits: thresholds between them round in float32
    x3[rng.random(n) < 0.1] = np.nan
    x4 = rng.normal(size=n) * 1e-3
    X = np.column_stack([x0, x1, x2, x3, x4])
    score = x0 + np.where(np.isnan(x3), 0.0, np.sin(np.nan_to_num(x3) / 50.0)) + 0.8 * (x2 > 4) \
        + np.where(np.isnan(x1), 0.5, x1) + 300.0 * x4
    return X, score


def write_csv(path, X, extra):
    frame = pd.DataFrame(X, columns=FEATURES)
    for name, values in extra.items():
        frame[name] = values
    # repr of each double: outcore and pandas (round_trip) read back the same numbers.
    frame.to_csv(path, index=False, float_format="%.17g", na_rep="")


def thresholds(booster):
    """(feature index, float32 threshold) of every split of the booster."""
    out = set()
    model = json.loads(booster.save_raw("json"))
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        for i, left in enumerate(tree["left_children"]):
            if left != -1 and tree["split_type"][i] == 0:
                out.add((tree["split_indices"][i], float(np.float32(tree["split_conditions"][i]))))
    return sorted(out)


def near_threshold_rows(rng, base, splits):
    """Rows of `base` with one feature put on a threshold t and just around it: doubles a hair
    below and above t (equal to t in float32, so only a float32 comparison sends them right),
    the floats next to t, and the midpoint of t and the float below (rounds to one of them)."""
    rows = []
    for k, (j, t) in enumerate(splits):
        below = float(np.nextafter(np.float32(t), np.float32(-np.inf)))
        above = float(np.nextafter(np.float32(t), np.float32(np.inf)))
        for v in (t, math.nextafter(t, -math.inf), t - abs(t) * 1e-9, math.nextafter(t, math.inf), below, above,
                  (t + below) / 2.0):
            row = base[rng.integers(0, len(base))].copy()
            row[j] = v
            rows.append(row)
    return np.array(rows)


def dmatrix(name, X, **kwargs):
    if name == "categorical":
        return xgb.DMatrix(X, feature_names=FEATURES, feature_types=CATEGORICAL_TYPES, enable_categorical=True, **kwargs)
    return xgb.DMatrix(X, feature_names=None if name == "reg" else FEATURES, **kwargs)


def train(name, X, y, valid=None, **params):
    dtrain = dmatrix(name, X, label=y)
    base = {"max_depth": 4, "eta": 0.3, "seed": 1, "nthread": 2}
    base.update(params)
    if valid is None:
        return xgb.train(base, dtrain, ROUNDS[name])
    dvalid = xgb.DMatrix(valid[0], label=valid[1], feature_names=FEATURES)
    return xgb.train(base, dtrain, ROUNDS[name], evals=[(dvalid, "valid")], early_stopping_rounds=3,
                     verbose_eval=False)


def gen(out):
    rng = np.random.default_rng(7)
    X, score = make_rows(rng, 3000)
    noisy = score + rng.normal(scale=0.5, size=len(score))
    label = (noisy > np.median(noisy)).astype(int)
    klass = np.digitize(noisy, np.quantile(noisy, [0.25, 0.5, 0.75]))
    # Fare-like magnitudes (tens): float32 sums differ from double ones by far more than 1e-6
    # here, so the regression check (equal to XGBoost's float32 output) tests outcore's float sums.
    y = 25 * score + 40 + rng.normal(scale=5, size=len(score))
    write_csv(out + "/train.csv", X, {"label": label, "klass": klass, "y": y})

    boosters = {
        # base_score 0.3: the raw base is its logit, as XGBoost computes it.
        "binary": train("binary", X, label, objective="binary:logistic", base_score=0.3),
        "multi": train("multi", X, klass, objective="multi:softprob", num_class=4, tree_method="hist"),
        # exact + gamma: pruned trees, whose deleted nodes XGBoost keeps in its arrays; no
        # feature names (matched by count).
        "reg": train("reg", X, y, objective="reg:squarederror", tree_method="exact", gamma=500),
        # A fast learner that overfits: early stopping ends it well before its last round.
        "early": train("early", X[:2000], label[:2000], valid=(X[2000:], label[2000:]), objective="binary:logistic",
                       max_depth=6, eta=0.9),
        # enable_categorical: x2 split on sets of categories (partitions: max_cat_to_onehot=1).
        "categorical": train("categorical", X, label, objective="binary:logistic", tree_method="hist",
                             max_cat_to_onehot=1),
    }
    assert any(1 in t["split_type"] for t in json.loads(boosters["categorical"].save_raw("json"))["learner"]
               ["gradient_booster"]["model"]["trees"]), "the categorical booster has no categorical split"
    rounds = {name: (0, 0) for name in boosters}
    rounds["early"] = (0, boosters["early"].best_iteration + 1)
    assert rounds["early"][1] < boosters["early"].num_boosted_rounds(), "early stopping did not stop early"
    deleted = sum(int(t["tree_param"]["num_deleted"]) for t in
                  json.loads(boosters["reg"].save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"])
    assert deleted > 0, "the regression booster has no pruned nodes: the test would not cover them"

    Xt, _ = make_rows(np.random.default_rng(8), 2000)
    splits = sorted(set(s for b in boosters.values() for s in thresholds(b)))
    Xt = np.vstack([Xt, near_threshold_rows(np.random.default_rng(9), Xt, splits)])
    write_csv(out + "/test.csv", Xt, {})
    for name, booster in boosters.items():
        booster.save_model(out + "/%s.json" % name)
        d = dmatrix(name, Xt)
        np.save(out + "/expected_%s.npy" % name, booster.predict(d, iteration_range=rounds[name]))
        np.save(out + "/leaves_%s.npy" % name,
                booster.predict(d, pred_leaf=True, iteration_range=rounds[name]).astype(np.int64))

    # What outcore refuses, each its own kind.
    small = X[:500]
    dsmall = xgb.DMatrix(small, label=label[:500], feature_names=FEATURES)
    xgb.train({"booster": "dart", "objective": "binary:logistic", "max_depth": 2}, dsmall, 2).save_model(out + "/dart.json")
    xgb.train({"booster": "gblinear", "objective": "binary:logistic"}, dsmall, 2).save_model(out + "/gblinear.json")
    xgb.train({"objective": "reg:pseudohubererror", "max_depth": 2},
              xgb.DMatrix(small, label=y[:500], feature_names=FEATURES), 2).save_model(out + "/pseudohuber.json")
    print(json.dumps({"train_rows": len(X), "test_rows": len(Xt), "thresholds": len(splits),
                      "pruned_nodes": deleted, "early_rounds": [rounds["early"][1],
                                                               boosters["early"].num_boosted_rounds()]}))


def double_rule_leaves(model_json, X):
    """Leaves of XGBoost's trees walked with x < t compared in double (not float32)."""
    trees = model_json["learner"]["gradient_booster"]["model"]["trees"]
    leaves = np.zeros((len(X), len(trees)), dtype=np.int64)
    for k, t in enumerate(trees):
        left, right = np.array(t["left_children"]), np.array(t["right_children"])
        feature, cond = np.array(t["split_indices"]), np.array(t["split_conditions"], dtype=np.float64)
        default_left = np.array(t["default_left"]).astype(bool)
        # Categorical splits (split_type 1): the node's categories go right, others left.
        sets = {node: set(t["categories"][start:start + size]) for node, start, size in
                zip(t.get("categories_nodes", []), t.get("categories_segments", []), t.get("categories_sizes", []))}
        node = np.zeros(len(X), dtype=np.int64)
        while True:
            rows = np.nonzero(left[node] != -1)[0]
            if len(rows) == 0:
                break
            n = node[rows]
            x = X[rows, feature[n]]
            go_left = np.where(np.isnan(x), default_left[n], x < cond[n])
            for j in np.nonzero(np.isin(n, list(sets)))[0]:
                go_left[j] = default_left[n[j]] if np.isnan(x[j]) else int(np.float32(x[j])) not in sets[n[j]]
            node[rows] = np.where(go_left, left[n], right[n])
        leaves[:, k] = node
    return leaves


def outcore_leaves(model_path, node_ids, X):
    """The leaf outcore's scorer picks in each tree: every tree alone in a regressor whose leaves
    hold their XGBoost node ids (identity link, base 0), scored by the Python module's predict
    (the same Pipeline::Predict and TreeEnsemble scorer the CLI runs)."""
    from outcore import _outcore, frames
    model = json.load(open(model_path))
    state = model["estimator"]["state"]
    batches = frames.to_batches([pd.Series(X[:, j], name=n) for j, n in enumerate(model["input_schema_names"])])
    leaves = np.zeros((len(X), len(state["trees"])), dtype=np.int64)
    for k, tree in enumerate(state["trees"]):
        one = dict(tree, group=0, value=[float(node_ids[k][i]) if f < 0 else 0.0 for i, f in enumerate(tree["feature"])])
        single = dict(model)
        del single["input_schema_names"]
        single["target"] = {"expression": "leaf", "column": "leaf", "type": "float", "classes": []}
        single["estimator"] = {"kind": "tree_ensemble_regressor", "params": {}, "fit_info": {},
                               "state": dict(state, n_outputs=1, link="identity", base_score=[0.0], trees=[one])}
        values, _ = _outcore.Model.from_json(json.dumps(single)).predict(batches, 1)
        leaves[:, k] = np.asarray(values).astype(np.int64)
    return leaves


def check(out, name, pred_path, model_path):
    expected = np.load(out + "/expected_%s.npy" % name)
    xgb_leaves = np.load(out + "/leaves_%s.npy" % name)
    lines = [json.loads(line) for line in open(pred_path)]
    result = lines[0]
    columns, rows = result["columns"], result["rows"]
    n = len(rows)
    assert n == len(expected), "outcore wrote %d rows, XGBoost predicted %d" % (n, len(expected))
    if name == "multi":
        got = np.array([[float(r[columns.index("p_%d" % c)]) for c in range(4)] for r in rows])
    else:
        got = np.array([float(r[columns.index("yhat")]) for r in rows])
    diff = np.abs(got - expected.astype(np.float64))
    worst = float(diff.max())

    X = pd.read_csv(out + "/test.csv", float_precision="round_trip")[FEATURES].to_numpy(dtype=np.float64)
    model = json.load(open(model_path))
    model["input_schema_names"] = [f["name"] for f in model["input_schema"]]
    tmp = out + "/%s_leafcheck.json" % name
    json.dump(model, open(tmp, "w"))
    summary = json.loads(_summary(out + "/%s.json" % name))
    ours = outcore_leaves(tmp, summary["node_ids"], X)
    leaf_mismatches = int((ours != xgb_leaves).any(axis=1).sum())
    xgb_json = json.load(open(out + "/%s.json" % name))
    # (the first trees: a booster imported with fewer rounds than it has)
    double_differs = int((double_rule_leaves(xgb_json, X)[:, :xgb_leaves.shape[1]] != xgb_leaves).any(axis=1).sum())
    report = {"model": name, "rows": n, "max_abs_diff": worst, "rows_over_1e-6": int((diff > 1e-6).sum()),
              "trees": int(xgb_leaves.shape[1]), "rows_with_a_different_leaf": leaf_mismatches,
              "rows_a_double_comparison_would_send_elsewhere": double_differs}
    print(json.dumps(report))
    # A regression's raw score is its prediction: outcore sums as XGBoost does, in float32, so
    # they are equal; the classifiers' links (XGBoost's in float) leave a float's rounding.
    ok = (worst == 0 if name == "reg" else worst <= 1e-6) and leaf_mismatches == 0 and double_differs > 0
    return 0 if ok else 1


def _summary(path):
    from outcore import _outcore
    return _outcore.XGBoostImport(open(path).read(), path).summary()


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:6]))
    else:
        sys.exit("unknown command " + sys.argv[1])
