#!/usr/bin/env bash
# Real-world CSV: the same trips written the way spreadsheets and other tools write them
# (semicolons, US dates without seconds, decimal commas, NULL and None for missing values, t/f
# booleans, ints written as 2,0), gzipped, fit the same model as the clean ISO file once [read] says how
# (delimiter, decimal, thousands, date_format); the model file keeps them, predict reads the messy file
# with it, and a bad date format or one naming a column that is not a datetime is refused.
source "$(dirname "$0")/common.bash"
cd "$WORK"

"$OUTCORE" gen-taxi --rows 20000 --seed 12 -o raw.csv >/dev/null
# Clean: ISO dates to the minute, a bool column, some missing values written empty.
$PY - <<'PYEOF'
import csv, random
random.seed(3)
rows = list(csv.DictReader(open("raw.csv")))
def fare_text(fare):  # a decimal comma, and a dot between thousands: 1.234,50
    whole, cents = fare.split(".")
    return (f"{int(whole):,}".replace(",", ".")) + "," + cents
clean = open("clean.csv", "w", newline="")
messy = open("messy.csv", "w", newline="")
cols = ["pickup", "passengers", "distance", "fare", "cash", "tipped"]
c = csv.writer(clean)
m = csv.writer(messy, delimiter=";")
c.writerow(cols)
m.writerow(cols)
for i, r in enumerate(rows):
    date, time = r["Trip_Pickup_DateTime"].split(" ")
    y, mo, d = date.split("-")
    hm = time[:5]
    cash = r["Payment_Type"].lower() == "cash"
    missing = random.random() < 0.05
    c.writerow([f"{date}T{hm}", r["Passenger_Count"], "" if missing else r["Trip_Distance"], r["Fare_Amt"],
                "true" if cash else "false", "1" if float(r["Tip_Amt"]) > 0 else "0"])
    m.writerow([f"{mo}/{d}/{y} {hm}", f'{r["Passenger_Count"]},0', random.choice(["NULL", "None"]) if missing else r["Trip_Distance"].replace(".", ","),
                fare_text(r["Fare_Amt"]), "t" if cash else "f", "1" if float(r["Tip_Amt"]) > 0 else "0"])
PYEOF
gzip -k messy.csv

spec() {  # spec FILE READ_LINES
  cat >"$1" <<TOML
target = "tipped > 0"
[read]
dtype = { passengers = "int", cash = "bool" }
parse_dates = ["pickup"]
$2
[[steps]]
kind = "datetime_part"
columns = ["pickup"]
parts = ["hour", "day_of_week"]
[[steps]]
kind = "imputer"
columns = ["distance"]
[model]
kind = "logistic_regression"
TOML
}
spec clean.toml ""
spec messy.toml $'delimiter = ";"\ndecimal = ","\nthousands = "."\ndate_format = { pickup = "%m/%d/%Y %H:%M" }'
"$OUTCORE" fit clean.toml clean.csv -o clean.json --test-size 0 --quiet
"$OUTCORE" fit messy.toml messy.csv.gz -o messy.json --test-size 0 --quiet
check "the messy gzipped file fits the clean file's model (same coefficients)" $PY -c "
import json
a, b = (json.load(open(f)) for f in ('clean.json', 'messy.json'))
assert a['estimator']['state'] == b['estimator']['state'], (a['estimator']['state'], b['estimator']['state'])
assert a['steps'] == b['steps']"
check "the model file keeps the date format and the number marks" $PY -c "
import json; r = json.load(open('messy.json'))['read_options']
assert r['date_format'] == {'pickup': '%m/%d/%Y %H:%M'} and r['decimal'] == ',' and r['thousands'] == '.', r"
"$OUTCORE" predict messy.json messy.csv.gz -o pred_messy --format csv --quiet
"$OUTCORE" predict clean.json clean.csv -o pred_clean --format csv --quiet
check "predictions from the messy file equal the clean file's" cmp pred_messy/part-00000.csv pred_clean/part-00000.csv

spec bad_format.toml 'date_format = "%m/%d/%Y %Q"'
expect_error "an unknown directive is refused by name" 5 "date_format' \"%m/%d/%Y %Q\" has %Q, which is not one of" \
  "$OUTCORE" fit bad_format.toml messy.csv -o x.json
spec not_a_date.toml 'date_format = { fare = "%Y-%m-%d" }'
expect_error "a date format for a column that is not a datetime is refused" 5 "'fare' is not a datetime column" \
  "$OUTCORE" fit not_a_date.toml messy.csv -o x.json
sed 's/^delimiter = ";"$/delimiter = ";"/' messy.toml | sed 's|%m/%d/%Y %H:%M|%d/%m/%Y %H:%M|' >swapped.toml
expect_error "dates that do not match the format name the file, line, column and value" 3 \
  "messy.csv:[0-9]+: column 'pickup': cannot parse '[0-9/]+ [0-9:]+' as datetime" \
  "$OUTCORE" fit swapped.toml messy.csv -o x.json
finish
