#!/usr/bin/env bash
# Every worked example in examples/ runs as its comments say: fit on generated taxi trips,
# predict other trips into Parquet, evaluate; the model is the one the example names; inspect
# prints a page, not a forest's nodes.
source "$(dirname "$0")/common.bash"

"$OUTCORE" gen-taxi --rows 20000 --seed 1 -o "$WORK/train.csv" >/dev/null
"$OUTCORE" gen-taxi --rows 5000 --seed 2 -o "$WORK/more.csv" >/dev/null
for spec in "$SRC"/examples/*.toml; do
  name=$(basename "$spec" .toml)
  kind=$(sed -n '/^\[model\]/,$s/^kind = "\(.*\)"/\1/p' "$spec")
  if "$OUTCORE" fit "$spec" "$WORK/train.csv" -o "$WORK/$name.json" --quiet &&
     "$OUTCORE" predict "$WORK/$name.json" "$WORK/more.csv" -o "$WORK/pred_$name" --quiet &&
     "$OUTCORE" evaluate "$WORK/$name.json" "$WORK/more.csv" --json >"$WORK/eval_$name.json" &&
     grep -q "\"kind\": \"$kind\"" "$WORK/$name.json" &&
     "$OUTCORE" inspect "$WORK/$name.json" >"$WORK/inspect_$name.txt" &&
     [[ $(wc -c <"$WORK/inspect_$name.txt") -lt 20000 ]] &&
     [[ $(duckdb "SELECT count(*)::INT AS n FROM read_parquet('$WORK/pred_$name/*.parquet')" |
          $PY -c 'import json, sys; print(json.load(sys.stdin)["rows"][0][0])') == 5000 ]]; then
    pass "$name: fit, predict 5,000 rows, evaluate, inspect ($kind)"
  else
    fail "$name"
  fi
done
check "inspect counts a forest's trees instead of printing them" \
  grep -qE '"trees":"100 trees, [0-9,]+ nodes \([0-9,]+ leaves\); inspect --json prints them"' "$WORK/inspect_taxi_tip_forest.txt"
finish
