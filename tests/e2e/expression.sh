#!/usr/bin/env bash
# The expression step end to end: examples/taxi_tip_expressions.toml (the reference
# workflow's hour feature and payment_lowerer written as one expression step) fits the same
# model as examples/taxi_tip.toml (the datetime_part and lowercase steps) on generated taxi
# data: the same features, coefficients within 1e-12, identical predictions. Then new
# features from expressions fit and predict, and a type or syntax error in a spec is refused
# naming the step, the column, the expression and the position.
source "$(dirname "$0")/common.bash"
"$OUTCORE" gen-taxi --rows 50000 --seed 11 -o "$WORK/train.csv" >/dev/null
"$OUTCORE" gen-taxi --rows 20000 --seed 12 -o "$WORK/new.csv" >/dev/null

for spec in taxi_tip taxi_tip_expressions; do
  "$OUTCORE" fit "$SRC/examples/$spec.toml" "$WORK/train.csv" -o "$WORK/$spec.json" --quiet
  "$OUTCORE" predict "$WORK/$spec.json" "$WORK/new.csv" -o "$WORK/pred_$spec" --format csv --quiet
done
$PY - "$WORK/taxi_tip.json" "$WORK/taxi_tip_expressions.json" <<'PYEOF' && pass "same features and coefficients (within 1e-12)" || fail "features or coefficients differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["feature_names"] == b["feature_names"], (a["feature_names"], b["feature_names"])
sa, sb = a["estimator"]["state"], b["estimator"]["state"]
diff = max(abs(x - y) for x, y in zip(sa["coef"] + [sa["intercept"]], sb["coef"] + [sb["intercept"]]))
assert len(sa["coef"]) == len(sb["coef"]) == 12 and diff <= 1e-12, diff
print(f"   max |coef difference| = {diff:g}")
PYEOF
check "identical predictions on new rows" cmp -s <(cat "$WORK"/pred_taxi_tip/part-*.csv) \
  <(cat "$WORK"/pred_taxi_tip_expressions/part-*.csv)
check "20,000 predictions" test "$(cat "$WORK"/pred_taxi_tip_expressions/part-*.csv | grep -vc yhat)" -eq 20000

# New features beside the replaced columns.
sed 's/^Payment_Type = "lower(Payment_Type)"$/&\
fare_per_mile = "coalesce(Fare_Amt \/ nullif(Trip_Distance, 0), 0)"\
late = "hour(Trip_Pickup_DateTime) >= 20 or hour(Trip_Pickup_DateTime) < 6"\
log_fare = "log1p(max(Fare_Amt, 0))"/' "$SRC/examples/taxi_tip_expressions.toml" >"$WORK/features.toml"
check "the features spec has three new columns" grep -q '^log_fare = ' "$WORK/features.toml"
"$OUTCORE" fit "$WORK/features.toml" "$WORK/train.csv" -o "$WORK/features.json" --quiet
check "new features are the model's" $PY -c "
import json, sys
names = json.load(open(sys.argv[1]))['feature_names']
assert names[5:8] == ['fare_per_mile', 'late', 'log_fare'], names" "$WORK/features.json"
"$OUTCORE" predict "$WORK/features.json" "$WORK/new.csv" -o "$WORK/pred_features" --format csv --quiet
check "predictions with new features are probabilities" $PY -c "
import glob, sys
import pandas as pd
y = pd.concat([pd.read_csv(p) for p in glob.glob(sys.argv[1] + '/part-*.csv')]).yhat
assert len(y) == 20000 and y.between(0, 1).all(), y.describe()" "$WORK/pred_features"

sed 's/^Payment_Type = "lower(Payment_Type)"$/bad = "Payment_Type + 1"/' \
  "$SRC/examples/taxi_tip_expressions.toml" >"$WORK/type_error.toml"
expect_error "a type error names the step, column, expression and position" 4 \
  "steps\[1\]: expression: column 'bad': \"Payment_Type \+ 1\" at 14: '\+' needs numbers, got string" \
  "$OUTCORE" fit "$WORK/type_error.toml" "$WORK/train.csv" -o "$WORK/bad.json"
sed 's/^Payment_Type = "lower(Payment_Type)"$/bad = "lower(Payment_Type"/' \
  "$SRC/examples/taxi_tip_expressions.toml" >"$WORK/syntax_error.toml"
expect_error "a syntax error is refused when the spec is read" 5 \
  "syntax_error.toml: steps\[1\]: expression: column 'bad': \"lower\(Payment_Type\" at 19: expected ',' or '\)', got the end" \
  "$OUTCORE" fit "$WORK/syntax_error.toml" "$WORK/train.csv" -o "$WORK/bad.json"
finish
