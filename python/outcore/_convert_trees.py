"""scikit-learn's fitted tree models as outcore's converted tree ensembles, exactly.

from_sklearn (convert.py) calls tree_estimator_entry for a final estimator that is_tree_model
says is one of: DecisionTree*, RandomForest*, ExtraTrees*, GradientBoosting*,
HistGradientBoosting* (classifiers and regressors, scikit-learn 1.2). The entry is the model
file's {"kind": "tree_ensemble_classifier" | "tree_ensemble_regressor", "params", "state"},
the state the TreeEnsemble form of docs/model-format.md ("Tree ensembles").

How each family's prediction is reproduced:
- DecisionTree*, forests, ExtraTrees*, GradientBoosting* cast X to float32 and send a row left
  when float32(x) <= t, t a double. float32(x) being a float, that holds exactly when
  float32(x) <= floor32(t) (the largest float <= t), i.e. float32(x) < up32(floor32(t)) (the
  next float up): the "float32(x) < float32(threshold)" rule with that float as threshold
  (exact in a double, so float32(threshold) is itself). When floor32(t) is the largest float,
  the next one is +inf, which a model file cannot hold: the largest double stands for it
  (float32 of it is +inf, and float32(x) < +inf is what is meant).
- HistGradientBoosting* compare x <= threshold in double on the float64 X, NaN to the learned
  side: the "x <= threshold" rule, the same thresholds. Their native categorical splits
  (categorical_features) become the model file's categorical splits: the categories of the
  node's left bitset go left, the feature's other known categories right, and NaN, negative
  values and categories unknown at fit to the learned missing side, as scikit-learn 1.2's
  predictor does; a value's category is trunc(x). (Values of 256 and above, which scikit-learn
  1.2 reads through an out-of-range C cast, 257 as category 1, are unknown categories here.)
- Classifier trees hold class counts (or weights) per leaf: a tree's probabilities are the
  counts over their sum, computed here as scikit-learn computes them; forests average trees
  (link "average"). Boosting: the initial raw score (scikit-learn's own, computed on one row:
  it does not depend on X) as base_score, leaf values pre-multiplied by the learning rate as
  scikit-learn multiplies them, then sigmoid / softmax / identity.
Anything that cannot be computed exactly is refused (ConversionError) by name.
"""

import numpy as np

from ._convert_common import ConversionError

# The largest double: a threshold sending every value left (docs/model-format.md).
_EVERY_VALUE_LEFT = float(np.finfo(np.float64).max)
# The model loader's cap on a file's JSON values (docs/model-format.md, "Safety"); a node is six
# (feature, threshold, left, right, missing_left, value). The steps and the rest of the file are
# left a margin.
_MAX_FILE_VALUES = 4194304
_VALUES_PER_NODE = 6
_MAX_TREE_VALUES = _MAX_FILE_VALUES - 65536


def _tree_values(tree):
    """The JSON values a tree takes in the model file: six per node, and with categorical splits
    one more per node, plus each set's object, lists and categories."""
    values = _VALUES_PER_NODE * len(tree["feature"])
    for split in tree.get("categories", []):
        values += 1 if split is None else 3 + len(split["left"]) + len(split["right"])
    return values


def _refuse(obj, why):
    raise ConversionError("cannot convert %s: %s" % (type(obj).__name__, why))


def _families():
    from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                                  GradientBoostingRegressor, HistGradientBoostingClassifier,
                                  HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    return {DecisionTreeClassifier: _single_tree, DecisionTreeRegressor: _single_tree,
            RandomForestClassifier: _forest, RandomForestRegressor: _forest,
            ExtraTreesClassifier: _forest, ExtraTreesRegressor: _forest,
            GradientBoostingClassifier: _gradient_boosting, GradientBoostingRegressor: _gradient_boosting,
            HistGradientBoostingClassifier: _hist_gradient_boosting,
            HistGradientBoostingRegressor: _hist_gradient_boosting}


def is_tree_model(obj):
    return type(obj) in _families()


def tree_estimator_entry(obj, feature_names):
    """The model file's estimator entry computing what the fitted tree model `obj` predicts
    (predict_proba for a classifier, predict for a regressor) from `feature_names`, in order."""
    n_features = getattr(obj, "n_features_in_", None)
    if n_features is not None and n_features != len(feature_names):
        _refuse(obj, "it was fitted on %d features, the steps before it make %d" % (n_features, len(feature_names)))
    state = _families()[type(obj)](obj, len(feature_names))
    nodes = sum(len(t["feature"]) for t in state["trees"])
    if sum(_tree_values(t) for t in state["trees"]) > _MAX_TREE_VALUES:
        _refuse(obj, "its trees have %d nodes%s, more than a model file holds (%d: at most %d JSON values, %d per "
                "node); fewer or smaller trees convert (n_estimators, max_depth, min_samples_leaf, max_leaf_nodes)"
                % (nodes, " (each tree once per class)" if len(state["base_score"]) > 2 and
                   state["link"] == "average" else "", _MAX_TREE_VALUES // _VALUES_PER_NODE,
                   _MAX_FILE_VALUES, _VALUES_PER_NODE))
    classifier = hasattr(obj, "classes_")
    kind = "tree_ensemble_classifier" if classifier else "tree_ensemble_regressor"
    # Missing feature values: scikit-learn's own trees raise on them, so outcore gives such a
    # row an empty prediction, as for its linear models; HistGradientBoosting learned a side.
    missing = "learned" if type(obj).__name__.startswith("HistGradientBoosting") else "empty"
    return {"kind": kind, "params": {"missing": missing}, "state": state}


# ---- The float32 rule of scikit-learn's trees ----------------------------------------------

def float32_threshold(t):
    """The threshold t' such that float32(x) < float32(t') exactly when scikit-learn's
    float32(x) <= t (t a double). float32 values compare exactly as doubles, so
    float32(x) <= t  <=>  float32(x) <= floor32(t)  <=>  float32(x) < up32(floor32(t))."""
    t = float(t)
    if not np.isfinite(t):
        raise ValueError("threshold %r" % t)
    with np.errstate(over="ignore"):
        f = np.float32(t)  # round to nearest: one of the two floats around t (or +-inf past them)
        if float(f) > t:
            f = np.nextafter(f, np.float32(-np.inf))
        up = np.nextafter(f, np.float32(np.inf))  # f may be -inf (t below every float): up is -FLT_MAX
    if np.isinf(up):
        return _EVERY_VALUE_LEFT  # float32 of it is +inf: every float goes left, +inf right
    return float(up)


# ---- scikit-learn's Tree (DecisionTree*, forests, GradientBoosting*) ------------------------

def _check_single_output(obj, tree):
    if tree.n_outputs != 1:
        _refuse(obj, "it predicts %d targets; outcore models predict one" % tree.n_outputs)


def _tree_arrays(tree, leaf_values, group):
    """One scikit-learn Tree as the model file's arrays, thresholds for the float32 rule."""
    leaf = tree.children_left < 0
    feature = np.where(leaf, -1, tree.feature).astype(np.int64)
    threshold = [0.0 if is_leaf else float32_threshold(t) for is_leaf, t in zip(leaf, tree.threshold)]
    values = np.where(leaf, leaf_values, 0.0)
    return {"group": group, "feature": feature.tolist(), "threshold": threshold,
            "left": np.where(leaf, -1, tree.children_left).astype(np.int64).tolist(),
            "right": np.where(leaf, -1, tree.children_right).astype(np.int64).tolist(),
            "missing_left": [False] * len(feature), "value": [float(v) for v in values]}


def _averaged(obj, trees, n_features):
    """A forest (or one tree): the mean of its trees' predictions."""
    classifier = hasattr(obj, "classes_")
    k = len(obj.classes_) if classifier else 1
    if classifier and np.ndim(obj.classes_[0]) > 0:
        _refuse(obj, "it predicts several targets; outcore models predict one")
    out = []
    for estimator in trees:
        tree = estimator.tree_
        _check_single_output(obj, tree)
        if not classifier:
            out.append(_tree_arrays(tree, tree.value[:, 0, 0], 0))
            continue
        counts = tree.value[:, 0, :]
        # scikit-learn: proba = value / value.sum(axis=1), per leaf (inner nodes are unused).
        sums = counts.sum(axis=1)
        sums[sums == 0] = 1.0
        proba = counts / sums[:, None]
        if k == 2:
            out.append(_tree_arrays(tree, proba[:, 1], 0))
        else:
            out.extend(_tree_arrays(tree, proba[:, c], c) for c in range(k))
    outputs = 1 if k <= 2 else k
    return {"n_features": n_features, "n_outputs": outputs, "link": "average",
            "compare": "float32(x) < float32(threshold)", "base_score": [0.0] * outputs, "trees": out}


def _single_tree(obj, n_features):
    return _averaged(obj, [obj], n_features)


def _forest(obj, n_features):
    return _averaged(obj, obj.estimators_, n_features)


def _gradient_boosting(obj, n_features):
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import _gb_losses
    init = obj.init_
    if not (isinstance(init, str) and init == "zero") and type(init) not in (DummyClassifier, DummyRegressor):
        _refuse(obj, "init=%s: only the default initial estimator (or 'zero') converts, as its "
                "prediction does not depend on X" % type(init).__name__)
    if type(init) is DummyClassifier and init.strategy == "stratified":
        # The other strategies' probabilities (prior, most_frequent, uniform, constant) are the
        # same for every row; "stratified" draws them at random per row.
        _refuse(obj, "its initial estimator is DummyClassifier(strategy='stratified'), whose predictions are random "
                "draws; 'prior', 'most_frequent', 'uniform' and 'constant' convert")
    loss = obj._loss
    classifier = hasattr(obj, "classes_")
    if classifier:
        if type(loss) is _gb_losses.BinomialDeviance:
            scale, link = 1.0, "sigmoid"
        elif type(loss) is _gb_losses.ExponentialLoss:
            scale, link = 2.0, "sigmoid"  # predict_proba = expit(2 raw): 2 (a+b) = 2a + 2b exactly
        elif type(loss) is _gb_losses.MultinomialDeviance:
            scale, link = 1.0, "softmax"
        else:
            _refuse(obj, "its loss %s has no conversion" % type(loss).__name__)
    else:
        if not isinstance(loss, _gb_losses.RegressionLossFunction):
            _refuse(obj, "its loss %s has no conversion" % type(loss).__name__)
        scale, link = 1.0, "identity"  # every regression loss predicts the raw score
    # The initial raw score does not depend on X: scikit-learn's own on one row of zeros.
    base = np.asarray(obj._raw_predict_init(np.zeros((1, n_features), dtype=np.float32)), dtype=np.float64)[0]
    if not np.all(np.isfinite(base)):
        _refuse(obj, "its initial raw score is not finite")
    lr = float(obj.learning_rate)
    trees = []
    for stage in obj.estimators_:
        for k, estimator in enumerate(stage):
            tree = estimator.tree_
            _check_single_output(obj, tree)
            # scikit-learn adds learning_rate * value to the raw score (predict_stages).
            trees.append(_tree_arrays(tree, scale * (lr * tree.value[:, 0, 0]), k))
    outputs = len(base)
    return {"n_features": n_features, "n_outputs": outputs, "link": link,
            "compare": "float32(x) < float32(threshold)", "base_score": [scale * float(b) for b in base],
            "trees": trees}


# ---- HistGradientBoosting* -----------------------------------------------------------------

def _hist_gradient_boosting(obj, n_features):
    name = type(obj).__name__
    loss = type(obj._loss).__name__
    link = type(obj._loss.link).__name__
    classifier = hasattr(obj, "classes_")
    if classifier:
        if loss == "HalfBinomialLoss":
            out_link = "sigmoid"
        elif loss == "HalfMultinomialLoss":
            out_link = "softmax"
        else:
            _refuse(obj, "its loss %s has no conversion" % loss)
    else:
        if link != "IdentityLink":
            raise ConversionError("cannot convert %s(loss=%r): its prediction is %s of the raw score, which "
                                  "outcore's tree ensembles do not compute (loss='squared_error', "
                                  "'absolute_error' or 'quantile' convert)" % (name, obj.loss, link))
        out_link = "identity"
    base = np.asarray(obj._baseline_prediction, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(base)):
        _refuse(obj, "its baseline prediction is not finite")
    known = _known_categories(obj)
    trees = []
    for iteration in obj._predictors:
        for k, predictor in enumerate(iteration):
            trees.append(_hist_tree(obj, predictor, k, known))
    return {"n_features": n_features, "n_outputs": len(base), "link": out_link, "compare": "x <= threshold",
            "base_score": base.tolist(), "trees": trees}


def _bitset_members(bitset):
    """The values set in a scikit-learn bitset (uint32 words, value v at bit v % 32 of word v // 32)."""
    words = np.asarray(bitset, dtype=np.uint32)
    return [32 * w + b for w in range(len(words)) for b in range(32) if (int(words[w]) >> b) & 1]


def _known_categories(obj):
    """Per categorical feature index: the categories seen at fit, as the predictor's
    known_cat_bitsets hold them; empty when no feature is categorical."""
    is_categorical = getattr(obj, "is_categorical_", None)
    if is_categorical is None or not np.any(is_categorical):
        return {}
    bitsets, f_idx_map = obj._bin_mapper.make_known_categories_bitsets()
    return {int(f): _bitset_members(bitsets[f_idx_map[f]]) for f in np.flatnonzero(is_categorical)}


def _hist_tree(obj, predictor, group, known):
    nodes = predictor.nodes
    leaf = nodes["is_leaf"].astype(bool)
    categorical = nodes["is_categorical"].astype(bool) & ~leaf
    threshold, categories = [], []
    for i, (is_leaf, t, missing_left) in enumerate(zip(leaf, nodes["num_threshold"], nodes["missing_go_to_left"])):
        t = float(t)
        if categorical[i]:
            # scikit-learn: in the node's left bitset -> left; else a known category -> right;
            # else (NaN, negative, unknown) the missing side.
            feature = int(nodes["feature_idx"][i])
            left = _bitset_members(predictor.raw_left_cat_bitsets[nodes["bitset_idx"][i]])
            right = sorted(set(known[feature]) - set(left))
            categories.append({"left": left, "right": right})
            threshold.append(0.0)
            continue
        categories.append(None)
        if is_leaf:
            threshold.append(0.0)
        elif t == np.inf and not missing_left:
            # The split on missing values: every value left (x <= inf), NaN right.
            threshold.append(_EVERY_VALUE_LEFT)
        elif not np.isfinite(t):
            _refuse(obj, "a split has the threshold %r" % t)
        else:
            threshold.append(t)
    tree = {"group": group, "feature": np.where(leaf, -1, nodes["feature_idx"].astype(np.int64)).tolist(),
            "threshold": threshold,
            "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
            "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
            "missing_left": [bool(m) and not l for m, l in zip(nodes["missing_go_to_left"], leaf)],
            "value": [float(v) if l else 0.0 for v, l in zip(nodes["value"], leaf)]}
    if categorical.any():
        tree["categories"] = categories
    return tree
