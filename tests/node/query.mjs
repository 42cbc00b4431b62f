// Runs SQL queries with DuckDB (an independent Parquet reader) and prints each result as one
// line of JSON: {"columns": [...], "types": [...], "rows": [[...], ...]}.
//
//   node query.mjs "SELECT * FROM read_parquet('f.parquet')" ["SELECT ..." ...]
//
// Values are printed so that a C++ test can compare them exactly: numbers (including BIGINT)
// as decimal strings (NaN, Infinity, -Infinity, -0 spelled out), booleans as JSON booleans,
// strings as JSON strings, NULL as null, anything else (timestamps, lists) by its toString().
import { DuckDBInstance } from '@duckdb/node-api';

function toJsonValue(value) {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (Object.is(value, -0)) return '-0';
      return String(value);  // shortest round-trip digits; NaN, Infinity, -Infinity
    case 'boolean':
    case 'string':
      return value;
    default:
      return String(value);
  }
}

async function main() {
  const queries = process.argv.slice(2);
  if (queries.length === 0) {
    process.stderr.write('usage: node query.mjs SQL [SQL...]\n');
    process.exit(2);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const sql of queries) {
    const reader = await connection.runAndReadAll(sql);
    const result = {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((type) => type.toString()),
      rows: reader.getRows().map((row) => row.map(toJsonValue)),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  }
  connection.closeSync();
  instance.closeSync();
}

main().catch((error) => {
  process.stderr.write(`query.mjs: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
