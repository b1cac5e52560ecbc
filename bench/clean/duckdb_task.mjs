// The clean benchmark task in DuckDB (@duckdb/node-api, default threads), a fresh process:
// COPY (SELECT DISTINCT …) with x3's missing values replaced by its mean, TO a CSV file.
import { DuckDBInstance } from '@duckdb/node-api';

const [src, out] = process.argv.slice(2);
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
const cols = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'category', 'target'];
const select = cols.map((c) => (c === 'x3' ? 'coalesce(x3, (SELECT avg(x3) FROM d)) AS x3' : c));
const sql = `COPY (WITH d AS (SELECT DISTINCT * FROM read_csv(${quote(src)})) ` +
  `SELECT ${select.join(', ')} FROM d) TO ${quote(out)} (HEADER, DELIMITER ',')`;
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
await connection.run(sql);
console.log('ok');
