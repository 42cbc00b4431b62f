#!/usr/bin/env bash
# outcore import-xgboost against XGBoost itself (tests/reference/xgboost_reference.py trains the
# boosters here, on generated data with missing values):
# - binary:logistic (base_score 0.3), 4-class multi:softprob, reg:squarederror (pruned trees, no
#   feature names) imported with the CLI, test rows the import never saw (plus rows on and a
#   hair around every threshold, where only a float32 comparison agrees with XGBoost) scored by
#   `outcore predict` into Parquet, read back with DuckDB: every prediction equals
#   booster.predict within 1e-6, and in every tree outcore's scorer picks the leaf
#   pred_leaf=True reports (read through the Python module);
# - a booster trained with early stopping, imported with --rounds best, scores as XGBClassifier
#   does (its first best_iteration + 1 rounds); imported without it, a note says so;
# - inspect shows where the model came from;
# - a booster with categorical splits (enable_categorical on x2's codes) the same way;
# - refusals, each with its message: dart, gblinear, an unsupported objective, a spec whose
#   features are not the booster's (names or count), a spec with a [model].
source "$(dirname "$0")/common.bash"
use_python_module
REF="$SRC/tests/reference/xgboost_reference.py"
cd "$WORK"
$PY "$REF" gen "$WORK" >gen.json || { fail "generating data and boosters"; finish; exit 1; }
pass "boosters trained: $(cat gen.json)"

spec() {  # spec FILE TARGET COLUMNS: [read], target and a select step; no [model] (the booster is it)
  printf 'target = "%s"\n[read]\ndtype = { x0 = "float", x1 = "float", x2 = "float", x3 = "float", x4 = "float" }\n[[steps]]\nkind = "select"\ncolumns = [%s]\n' \
    "$2" "$3" >"$1"
}
ALL='"x0", "x1", "x2", "x3", "x4"'
spec binary.toml label "$ALL"
spec multi.toml klass "$ALL"
spec reg.toml y "$ALL"
cp binary.toml early.toml
cp binary.toml categorical.toml

for m in binary multi reg early categorical; do
  rounds=all
  [[ $m == early ]] && rounds=best
  if "$OUTCORE" import-xgboost "$m.json" --spec "$m.toml" --data train.csv --rounds "$rounds" -o "model_$m.json" >"import_$m.txt" 2>&1 &&
     "$OUTCORE" predict "model_$m.json" test.csv -o "pred_$m" --quiet; then
    duckdb "SELECT * FROM read_parquet('pred_$m/part-*.parquet', filename=true, file_row_number=true) ORDER BY filename, file_row_number" >"pred_$m.json"
    if $PY "$REF" check "$WORK" "$m" "pred_$m.json" "model_$m.json" >"check_$m.json"; then
      pass "$m: predictions within 1e-6 of XGBoost's and the same leaves: $(cat "check_$m.json")"
    else
      fail "$m: $(cat "check_$m.json")"
    fi
  else
    fail "$m: import or predict failed: $(cat "import_$m.txt")"
  fi
done

"$OUTCORE" inspect model_binary.json >inspect.txt
check "inspect shows the XGBoost origin" \
  bash -c 'grep -qE "^imported +from" inspect.txt && grep -qE "^ +library +xgboost$" inspect.txt &&
           grep -qE "^ +objective +binary:logistic$" inspect.txt && grep -qE "^ +num_trees +30$" inspect.txt &&
           grep -qE "^ +version +1\.7\." inspect.txt'
check "the model file's training record says where it came from" \
  $PY -c 'import json,sys; t=json.load(open("model_multi.json"))["training"]["imported_from"]; sys.exit(not (t["library"]=="xgboost" and t["objective"]=="multi:softprob" and t["num_class"]==4 and t["num_trees"]==48))'

"$OUTCORE" import-xgboost early.json --spec early.toml --data train.csv -o model_early_all.json >import_early_all.txt 2>&1
check "importing every round of an early-stopped booster notes its best_iteration" \
  grep -qE "note: early.json records best_iteration [0-9]+ \(early stopping\): XGBClassifier/XGBRegressor.predict use its first [0-9]+ rounds, Booster.predict all [0-9]+" import_early_all.txt
check "the training record holds the rounds imported and best_iteration" \
  $PY -c 'import json,sys; t=json.load(open("model_early.json"))["training"]["imported_from"]; u=json.load(open("model_early_all.json"))["training"]["imported_from"]; sys.exit(not (t["rounds"]==[0, t["best_iteration"]+1] and u["rounds"]==[0, u["num_rounds"]] and t["num_rounds"]==u["num_rounds"]>t["rounds"][1]))'
expect_error "--rounds beyond the booster's is refused" 2 'the rounds 0 to 999 are not within the booster' \
  "$OUTCORE" import-xgboost early.json --spec early.toml --data train.csv --rounds 1000 -o x.json
expect_error "--rounds takes all, best or a number from 1" 2 '--rounds is "0": all, best, or a number of rounds from 1' \
  "$OUTCORE" import-xgboost early.json --spec early.toml --data train.csv --rounds 0 -o x.json
# XGBoost 1.7 records best_iteration = the last round when there was no early stopping.
"$OUTCORE" import-xgboost binary.json --spec binary.toml --data train.csv --rounds best -o model_binary_best.json --quiet
check "--rounds best without early stopping keeps every round" \
  $PY -c 'import json,sys; t=json.load(open("model_binary_best.json"))["training"]["imported_from"]; sys.exit(not t["rounds"]==[0, 30]==[0, t["num_rounds"]])'
expect_error "dart is refused" 5 'dart.json: learner.gradient_booster.name is "dart": a DART booster' \
  "$OUTCORE" import-xgboost dart.json --spec binary.toml --data train.csv -o x.json
expect_error "gblinear is refused" 5 'learner.gradient_booster.name is "gblinear": a linear booster' \
  "$OUTCORE" import-xgboost gblinear.json --spec binary.toml --data train.csv -o x.json
expect_error "another objective is refused" 5 'learner.objective.name is "reg:pseudohubererror": outcore converts the objectives binary:logistic, multi:softprob and reg:squarederror only' \
  "$OUTCORE" import-xgboost pseudohuber.json --spec reg.toml --data train.csv -o x.json
spec swapped.toml label '"x1", "x0", "x2", "x3", "x4"'
expect_error "features in another order than the booster's are refused, both lists named" 4 \
  'the pipeline makes the features \[x1, x0, x2, x3, x4\] but the XGBoost model was trained on \[x0, x1, x2, x3, x4\]' \
  "$OUTCORE" import-xgboost binary.json --spec swapped.toml --data train.csv -o x.json
spec four.toml y '"x0", "x1", "x2", "x3"'
expect_error "a booster without names needs as many features" 4 \
  'the pipeline makes 4 features \[x0, x1, x2, x3\] but the XGBoost model has 5' \
  "$OUTCORE" import-xgboost reg.json --spec four.toml --data train.csv -o x.json
{ cat binary.toml; printf '[model]\nkind = "logistic_regression"\n'; } >with_model.toml
expect_error "a spec with a [model] is refused: the booster is the model" 5 \
  'with_model.toml: \[model\] is not for import-xgboost: the model is the XGBoost file' \
  "$OUTCORE" import-xgboost binary.json --spec with_model.toml --data train.csv -o x.json
expect_error "a sample without every class is refused" 4 "has 2 classes \[0, 1\] but the XGBoost multi:softprob model has 4" \
  "$OUTCORE" import-xgboost multi.json --spec binary.toml --data train.csv -o x.json
check "nothing was written by a refused import" test ! -e x.json
finish
