#!/usr/bin/env bash
# Inputs that drifted in form, scored by a model fitted on the clean file (issue 17, points 4-5):
# - --read overrides: a semicolon, gzipped file with 03/15/2024 14:05 dates, NULLs and decimal
#   commas gives the clean file's predictions; _SUCCESS records the overrides; --resume must
#   repeat them; the model file is not changed; a bad override names itself.
# - column matching: a PostgreSQL table whose unquoted names were folded to lower case scores
#   with the model trained on MixedCase CSV headers (same predictions; --keep resolves too);
#   --rename; an ambiguous match and a changed type are schema errors.
# - delimiter = "auto": fit and sample sniff ';', tab and '|', say so, and the model keeps the
#   concrete delimiter; predict --read delimiter=auto sniffs too, also an object on S3.
source "$(dirname "$0")/common.bash"
cd "$WORK"

"$OUTCORE" gen-taxi --rows 20000 --seed 21 -o raw.csv >/dev/null
# train.csv: the generator's file with times to the minute; clean.csv: the same with some
# distances missing (empty); messy.csv and train_semi.csv: those rows with ';', US dates
# without seconds, NULL for missing, decimal commas.
$PY - <<'PYEOF'
import csv, random
random.seed(5)
rows = list(csv.DictReader(open("raw.csv")))
cols = list(rows[0].keys())
def us(ts):  # 2009-06-05 15:49:00 -> 06/05/2009 15:49
    date, time = ts.split(" ")
    y, m, d = date.split("-")
    return f"{m}/{d}/{y} {time[:5]}"
def messy(r):
    out = []
    for c in cols:
        v = r[c]
        if c.endswith("DateTime"):
            v = us(v)
        elif v == "":
            v = "NULL"
        elif c != "vendor_name" and c != "Payment_Type" and "." in v:
            v = v.replace(".", ",")
        out.append(v)
    return out
files = {name: csv.writer(open(name, "w", newline=""), delimiter=";" if name in ("messy.csv", "train_semi.csv") else ",", lineterminator="\n")
         for name in ("train.csv", "clean.csv", "messy.csv", "train_semi.csv")}
for w in files.values():
    w.writerow(cols)
for r in rows:
    for c in ("Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"):
        r[c] = r[c][:16] + ":00"
    files["train.csv"].writerow([r[c] for c in cols])
    files["train_semi.csv"].writerow(messy(r))
    if random.random() < 0.03:
        r["Trip_Distance"] = ""
    files["clean.csv"].writerow([r[c] for c in cols])
    files["messy.csv"].writerow(messy(r))
PYEOF
gzip messy.csv
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json --test-size 0 --quiet
model_sum=$(sha256sum model.json)
"$OUTCORE" predict model.json clean.csv -o pred_clean --quiet

# ---- --read overrides --------------------------------------------------------------------
expect_error "without overrides the semicolon file is refused, with a hint to sniff" 4 "is missing; the input has: .*--read delimiter=auto sniffs it" \
  "$OUTCORE" predict model.json messy.csv.gz -o pred_none
READ=(--read 'delimiter=;' --read 'decimal=,' --read 'date_format=%m/%d/%Y %H:%M' --read 'na_values=["", "NULL"]')
check "the semicolon gzipped file scores with --read overrides" \
  "$OUTCORE" predict model.json messy.csv.gz -o pred_messy "${READ[@]}" --quiet
rows() { echo "SELECT yhat, row_number() OVER (ORDER BY filename, file_row_number) AS r FROM read_parquet('$1/part-*.parquet', filename=true, file_row_number=true)"; }
duckdb "SELECT count(*), count(b.r), count(a.yhat), sum(CASE WHEN a.yhat IS NOT DISTINCT FROM b.yhat THEN 0 ELSE 1 END) FROM ($(rows pred_clean)) a LEFT JOIN ($(rows pred_messy)) b USING (r)" >messy.json
check "predictions from the messy file equal the clean file's, all 20000 rows (DuckDB)" $PY -c "
import json; n, matched, present, differ = map(int, json.load(open('messy.json'))['rows'][0])
assert (n, matched, differ) == (20000, 20000, 0) and present > 19000, (n, matched, present, differ)"
check "_SUCCESS records the overrides as given" $PY -c "
import json; m = json.load(open('pred_messy/_SUCCESS'))
assert m['read_overrides'] == ['delimiter=;', 'decimal=,', 'date_format=%m/%d/%Y %H:%M', 'na_values=[\"\", \"NULL\"]'], m['read_overrides']
assert m['output']['read'] == m['read_overrides'] and m['columns'] == []"
check "the model file is not changed" test "$model_sum" = "$(sha256sum model.json)"
check "--resume with the same overrides finds the run complete" \
  "$OUTCORE" predict model.json messy.csv.gz -o pred_messy "${READ[@]}" --resume --quiet
expect_error "--resume with other overrides is refused, naming them" 2 \
  "cannot resume: the --read overrides differ from the interrupted run's" \
  "$OUTCORE" predict model.json messy.csv.gz -o pred_messy --read 'delimiter=;' --read 'decimal=,' --read 'date_format=%m/%d/%Y %H:%M' --resume
expect_error "an unknown key is a usage error naming it" 2 "--read delimter=;: unknown key 'delimter'" \
  "$OUTCORE" predict model.json messy.csv.gz -o x --read 'delimter=;'
expect_error "a bad value is a usage error naming it" 2 "--read decimal=ab: 'decimal' must be one character" \
  "$OUTCORE" predict model.json messy.csv.gz -o x --read 'decimal=ab'
expect_error "a date format for a column that is not a datetime is refused" 2 "'Fare_Amt' is not a datetime column" \
  "$OUTCORE" predict model.json messy.csv.gz -o x --read 'date_format.Fare_Amt=%m/%d/%Y'
expect_error "a date format that does not fit the dates is the schema error naming column and value" 4 \
  "messy.csv.gz: column 'Trip_Pickup_DateTime' holds values like '[0-9/]+ [0-9:]+' that cannot be read as datetime" \
  "$OUTCORE" predict model.json messy.csv.gz -o x --read 'delimiter=;' --read 'decimal=,' --read 'na_values=["", "NULL"]' \
  --read 'date_format=%d/%m/%Y %H:%M'

# ---- delimiter = "auto" ------------------------------------------------------------------
tr ',' '\t' <train.csv >clean.tsv
tr ',' '|' <train.csv >clean.psv
mv train_semi.csv semi.csv
sed 's/^\[read\]$/[read]\ndelimiter = "auto"/' "$SRC/examples/taxi_tip.toml" >auto.toml
sed 's/^\[read\]$/[read]\ndelimiter = "auto"\ndecimal = ","\ndate_format = "%m\/%d\/%Y %H:%M"/; s/^na_values = .*/na_values = ["", "NULL"]/' \
  "$SRC/examples/taxi_tip.toml" >auto_semi.toml
for f in semi.csv clean.tsv clean.psv; do
  spec=auto.toml; [[ $f == semi.csv ]] && spec=auto_semi.toml
  "$OUTCORE" fit $spec $f -o auto_$f.json --test-size 0 2>fit_$f.err >/dev/null
  case $f in semi.csv) want=';' shown="';'" ;; clean.tsv) want=$'\t' shown=tab ;; *) want='|' shown="'|'" ;; esac
  check "fit sniffs $shown from $f and says so" grep -qF "read     delimiter $shown (sniffed from $f)" fit_$f.err
  check "the model fitted from $f keeps the concrete delimiter and the clean file's coefficients" $PY -c "
import json, sys
a, b = json.load(open('model.json')), json.load(open('auto_$f.json'))
assert b['read_options']['delimiter'] == sys.argv[1], b['read_options']['delimiter']
assert a['estimator']['state'] == b['estimator']['state']" "$want"
done
"$OUTCORE" sample clean.psv -n 10 --seed 1 --spec auto.toml -o sample.csv 2>sample.err
check "sample sniffs '|' too" grep -qF "read     delimiter '|' (sniffed from clean.psv)" sample.err
check "sample read the |-separated columns" test "$(head -1 sample.csv | tr ',' '\n' | wc -l)" -eq 18
"$OUTCORE" predict model.json clean.tsv -o pred_tsv --read delimiter=auto 2>pred_tsv.err
check "predict --read delimiter=auto sniffs tab and says so" grep -qF "read     delimiter tab (sniffed from clean.tsv)" pred_tsv.err
check "... records the delimiter chosen, and predicts as from the comma file" $PY -c "
import json; m = json.load(open('pred_tsv/_SUCCESS'))
assert m['read_overrides'] == ['delimiter=\t'] and m['delimiter_sniffed'] == {'file': 'clean.tsv', 'delimiter': '\t'}, m"
"$OUTCORE" predict model.json train.csv -o pred_train --quiet
check "... the same predictions as the comma file" cmp pred_train/part-00000.parquet pred_tsv/part-00000.parquet
printf 'one column\n1\n2\n' >single.csv
expect_error "no delimiter fits: an error naming the file" 3 "single.csv: cannot sniff the delimiter" \
  "$OUTCORE" fit auto.toml single.csv -o x.json

# ---- column matching: --rename, ambiguity, a changed type --------------------------------
sed '1s/Fare_Amt/fare/' clean.csv >renamed.csv
expect_error "a renamed column is missing without --rename" 4 "column 'Fare_Amt' \(trained as float\) is missing" \
  "$OUTCORE" predict model.json renamed.csv -o x
"$OUTCORE" predict model.json renamed.csv -o pred_renamed --rename fare=Fare_Amt 2>renamed.err
check "--rename fare=Fare_Amt scores it, and the summary says so" grep -qF "column   Fare_Amt <- input column fare (--rename)" renamed.err
check "... with the clean file's predictions" cmp pred_clean/part-00000.parquet pred_renamed/part-00000.parquet
expect_error "a rename of a column the input lacks is an error" 4 "renamed.csv: --rename price=Fare_Amt: the input has no column 'price'" \
  "$OUTCORE" predict model.json renamed.csv -o x --rename price=Fare_Amt
expect_error "a rename without = is a usage error" 2 "--rename fare: expected OLD=NEW" \
  "$OUTCORE" predict model.json renamed.csv -o x --rename fare
sed '1s/Fare_Amt/fare_amt/; 1s/Tolls_Amt/FARE_AMT/' clean.csv >ambiguous.csv
expect_error "an ambiguous case-insensitive match names both candidates" 4 \
  "column 'Fare_Amt' matches both 'fare_amt' and 'FARE_AMT' when case is ignored" \
  "$OUTCORE" predict model.json ambiguous.csv -o x
sed '1s/.*/\L&/' clean.csv >lower.csv
check "a lower-case header matches the model's names ignoring case" "$OUTCORE" predict model.json lower.csv -o pred_lower --quiet
check "... with the clean file's predictions" cmp pred_clean/part-00000.parquet pred_lower/part-00000.parquet
expect_error "inputs that match differently in one run are refused" 4 \
  "lower.csv: its columns match the model's differently from clean.csv's" \
  "$OUTCORE" predict model.json clean.csv lower.csv -o x
$PY - <<'PYEOF'
import csv
rows = list(csv.reader(open("clean.csv")))
i = rows[0].index("Passenger_Count")
rows[0][i] = "passenger_count"
for r in rows[1:]:
    r[i] = {"1": "one", "2": "two"}.get(r[i], "many")
csv.writer(open("typed.csv", "w", newline=""), lineterminator="\n").writerows(rows)
PYEOF
expect_error "a changed type still gets the schema error, under the matched name" 4 \
  "typed.csv: column 'passenger_count' \(the model's 'Passenger_Count'\) holds values like '[a-z]+' that cannot be read as int" \
  "$OUTCORE" predict model.json typed.csv -o x

# ---- The messy file on S3 (the issue's new user): --read, the delimiter sniffed over S3 ----
start_test_s3 drift
s3 put messy.csv.gz drift in/messy.csv.gz
"$OUTCORE" predict model.json s3://drift/in/messy.csv.gz -o s3://drift/out/ --read delimiter=auto \
  "${READ[@]:2}" 2>s3.err
check "the gzipped semicolon file scores from S3 to S3; the delimiter is sniffed from the object" \
  grep -qF "read     delimiter ';' (sniffed from s3://drift/in/messy.csv.gz)" s3.err
mkdir -p pred_s3
s3 get drift out/part-00000.parquet pred_s3/part-00000.parquet
s3 get drift out/_SUCCESS pred_s3/_SUCCESS
check "... with the local messy run's predictions, byte for byte" cmp pred_messy/part-00000.parquet pred_s3/part-00000.parquet
check "... and _SUCCESS records the delimiter chosen" $PY -c "
import json; m = json.load(open('pred_s3/_SUCCESS'))
assert m['read_overrides'][-1] == 'delimiter=;' and m['delimiter_sniffed']['file'] == 's3://drift/in/messy.csv.gz', m"

# ---- PostgreSQL: names folded to lower case ----------------------------------------------
start_test_postgres 'bash "$SRC/tests/s3_server.sh" stop "$S3DIR"; rm -rf "$S3DIR"'
export PGPASSWORD=outcore-test-pw PGPASSFILE=/nonexistent
# Unquoted names: PostgreSQL folds them (Trip_Pickup_DateTime becomes trip_pickup_datetime).
command psql "$DB" -qAtX -v ON_ERROR_STOP=1 -c "CREATE TABLE taxi (id bigserial PRIMARY KEY,
    vendor_name text, Trip_Pickup_DateTime timestamp, Trip_Dropoff_DateTime timestamp,
    Passenger_Count integer, Trip_Distance double precision, Start_Lon double precision,
    Start_Lat double precision, Rate_Code text, store_and_forward text, End_Lon double precision,
    End_Lat double precision, Payment_Type varchar(20), Fare_Amt numeric(10,2), surcharge double precision,
    mta_tax double precision, Tip_Amt double precision, Tolls_Amt double precision, Total_Amt double precision)" \
  -c "\\copy taxi ($(head -1 clean.csv)) FROM 'clean.csv' CSV HEADER"
check "the table's names are lower case" test "$(command psql "$DB" -qAtX -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'taxi' AND column_name = 'trip_pickup_datetime'")" -eq 1
"$OUTCORE" predict model.json "$DB?table=taxi" -o pred_pg --keep id,Fare_Amt --json >pred_pg.json
check "the lower-case table scores with the MixedCase model; --json lists the matches" $PY -c "
import json; s = json.load(open('pred_pg.json'))
assert s['totals']['rows_out'] == 20000, s['totals']
got = {c['name']: (c['input'], c['by']) for c in s['columns']}
assert got['Trip_Pickup_DateTime'] == ('trip_pickup_datetime', 'case') and got['Fare_Amt'] == ('fare_amt', 'case'), got
assert json.load(open('pred_pg/_SUCCESS'))['columns'] == s['columns']"
# As postgres_e2e.sh: a table's values equal the file's to 1e-12 (numeric and text conversions).
duckdb "SELECT count(*), count(b.r), sum(CASE WHEN (a.yhat IS NULL) = (b.yhat IS NULL) THEN 0 ELSE 1 END), coalesce(max(abs(a.yhat - b.yhat)), 0), sum(CASE WHEN b.Fare_Amt IS NOT NULL THEN 0 ELSE 1 END) FROM ($(rows pred_clean)) a LEFT JOIN (SELECT id AS r, yhat, Fare_Amt FROM read_parquet('pred_pg/part-*.parquet')) b USING (r)" >pg.json
check "the table's predictions equal the CSV's, row for row; --keep Fare_Amt resolved" $PY -c "
import json; n, matched, nulls, diff, no_fare = map(float, json.load(open('pg.json'))['rows'][0])
assert (n, matched, nulls, no_fare) == (20000, 20000, 0, 0) and diff <= 1e-12, (n, matched, nulls, diff, no_fare)"
"$OUTCORE" predict model.json "$DB?table=taxi" -o pred_pg_text 2>pred_pg.err
check "the summary on stderr reports the mapping" grep -qF "column   Trip_Pickup_DateTime <- input column trip_pickup_datetime (the same name but for case)" pred_pg.err
finish
