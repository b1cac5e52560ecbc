// DuckDB's side of the scan benchmark: SELECT count(*) FROM read_csv(path), default threads.
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const reader = await connection.runAndReadAll(
  `SELECT count(*) FROM read_csv('${path.replace(/'/g, "''")}')`);
console.log(String(reader.getRows()[0][0]));
