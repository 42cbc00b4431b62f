#!/usr/bin/python3
"""Fit the taxi-tip workflow in scikit-learn, convert it to an outcore model, score big data
with `outcore predict`.

The reference workflow (tests/reference/taxi_reference.py) rewritten with scikit-learn's own
transformers: one-hot encoded vendor and payment type, standardised distance, fare and
surcharge, the passenger count as it is, and a logistic regression. (The reference's pickup
hour and lower-cased payment type are Python functions, which outcore refuses to convert: in
outcore they are the steps datetime_part and lowercase, or expressions; docs/import.md.)

    outcore gen-taxi --rows 100000 --seed 1 -o train.csv
    /usr/bin/python3 examples/from_sklearn_taxi.py train.csv model.json
    outcore gen-taxi --rows 4000000 --files 8 --seed 2 -o big/
    outcore predict model.json big/ -o scores/ --format parquet

Needs scikit-learn (Debian: python3-sklearn) and the outcore package on PYTHONPATH.
"""

import sys

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import outcore

# Read as `outcore predict` reads the CSV: dates as datetimes, floats parsed exactly.
READ = dict(parse_dates=["Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"], float_precision="round_trip")


def read_taxi(path):
    """(X, y): the taxi columns but the tip, and whether the passenger tipped."""
    frame = pd.read_csv(path, **READ)
    return frame.drop(columns=["Tip_Amt"]), frame["Tip_Amt"] > 0


def taxi_pipeline():
    """The reference workflow, in scikit-learn's own classes (unfitted)."""
    features = ColumnTransformer([
        ("categories", OneHotEncoder(handle_unknown="ignore"), ["vendor_name", "Payment_Type"]),
        ("scaled", StandardScaler(), ["Trip_Distance", "Fare_Amt", "surcharge"]),
        ("counts", "passthrough", ["Passenger_Count"]),
    ])
    return make_pipeline(features, LogisticRegression(max_iter=1000))


def main(train_csv, model_path):
    X, y = read_taxi(train_csv)
    fitted = taxi_pipeline().fit(X, y)
    model = outcore.from_sklearn(fitted, X.head(100))  # the sample gives the input columns' types
    model.save(model_path)
    print("converted %s, saved %s; score a directory of CSV files with:" % (type(fitted).__name__, model_path))
    print("  outcore predict %s big/ -o scores/ --format parquet" % model_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: from_sklearn_taxi.py TRAIN.csv MODEL.json")
    main(sys.argv[1], sys.argv[2])
