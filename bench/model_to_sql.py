#!/usr/bin/env python3
"""Writes an outcore model's scoring as one DuckDB SQL statement (for side-by-side benchmarks).

  model_to_sql.py MODEL.json 'INPUT_GLOB' OUT.parquet  ->  prints COPY (SELECT ...) TO ...

Covers the step kinds of examples/taxi_tip.toml: select, datetime_part, lowercase, categories,
one_hot, standard_scaler, and a logistic_regression or linear model.
"""
import json, sys

DUCK_TYPES = {"float": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN", "datetime": "TIMESTAMP",
              "string": "VARCHAR", "category": "VARCHAR"}

def quote(name):
    return '"' + name.replace('"', '""') + '"'

def literal(text):
    return "'" + text.replace("'", "''") + "'"

def main(model_path, pattern, out):
    m = json.load(open(model_path))
    expr = {f["name"]: quote(f["name"]) for f in m["input_schema"]}
    for step in m["steps"]:
        kind, p, state = step["kind"], step["params"], step["state"]
        if kind == "select":
            expr = {c: expr[c] for c in p["columns"]}
        elif kind == "datetime_part":
            (part,) = p["parts"]
            fn = {"hour": "hour", "minute": "minute", "day": "day", "month": "month", "year": "year",
                  "day_of_year": "dayofyear", "day_of_week": "isodow"}[part]
            for c in p["columns"]:
                expr[c] = f"{fn}({expr[c]})" + (" - 1" if part == "day_of_week" else "")
        elif kind == "lowercase":
            for c in p["columns"]:
                expr[c] = f"lower({expr[c]})"
        elif kind == "categories":
            for c, values in p["categories"].items():
                allowed = ", ".join(literal(v) for v in values)
                expr[c] = f"(CASE WHEN {expr[c]} IN ({allowed}) THEN {expr[c]} END)"
        elif kind == "one_hot":
            for entry in state["columns"]:
                c = entry["column"]
                source = expr.pop(c)
                for v in entry["categories"]:
                    expr[f"{c}_{v}"] = f"(CASE WHEN {source} = {literal(v)} THEN 1.0 ELSE 0.0 END)"
        elif kind == "standard_scaler":
            for c, mu, s in zip(p["columns"], state["mean"], state["scale"]):
                expr[c] = f"(({expr[c]} - {mu!r}) / {s!r})"
        else:
            sys.exit(f"model_to_sql: step kind {kind} not supported")
    est = m["estimator"]
    terms = [f"{w!r} * {expr[name]}" for name, w in zip(m["feature_names"], est["state"]["coef"])]
    linear = f"{est['state']['intercept']!r} + " + " + ".join(terms)
    yhat = f"1.0 / (1.0 + exp(-({linear})))" if est["kind"] == "logistic_regression" else linear
    types = ", ".join(f"{literal(f['name'])}: {literal(DUCK_TYPES[f['type']])}" for f in m["input_schema"])
    source = f"read_csv({literal(pattern)}, header = true, types = {{{types}}})"
    print(f"COPY (SELECT {yhat} AS yhat FROM {source}) TO {literal(out)} (FORMAT PARQUET, COMPRESSION ZSTD)")

if __name__ == "__main__":
    main(*sys.argv[1:])
