// One benchmark task in DuckDB (@duckdb/node-api, default threads), a fresh process per task:
// describe = SUMMARIZE, correlation = the 36 corr() pairs of x0..x8, groupby = count/avg/stddev,
// count = count(*) (used by bench/scan).
import { DuckDBInstance } from '@duckdb/node-api';

const [task, path] = process.argv.slice(2);
const source = `read_csv('${path.replace(/'/g, "''")}')`;
const xs = Array.from({ length: 9 }, (_, i) => `x${i}`);
let sql;
if (task === 'describe') {
  sql = `SUMMARIZE SELECT * FROM ${source}`;
} else if (task === 'correlation') {
  const pairs = [];
  for (let i = 0; i < 9; ++i) for (let j = i + 1; j < 9; ++j) pairs.push(`corr(${xs[i]}, ${xs[j]})`);
  sql = `SELECT ${pairs.join(', ')} FROM ${source}`;
} else if (task === 'groupby') {
  sql = `SELECT category, count(target), avg(target), stddev_samp(target) FROM ${source} GROUP BY category ORDER BY category`;
} else if (task === 'count') {  // the scan benchmark (bench/scan/run.py)
  sql = `SELECT count(*) FROM ${source}`;
} else {
  throw new Error(`unknown task ${task}`);
}
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const reader = await connection.runAndReadAll(sql);
console.log(reader.getRows().length);
