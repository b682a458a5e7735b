/**
 * The floor of a cold search (start.ts): a fresh process that imports LanceDB, opens a store's
 * index table and runs one full-text and one vector query as `ct search` does (the same columns
 * and candidate count), with the query's text expansion and vector computed beforehand. No
 * oclif, no store selection, no freshness check, no embedding model, no ranking.
 *
 *   node dist/test/bench/raw-query-worker.js <index dir> <table> <query.json: {fts, vector}>
 */
import fs from 'node:fs';
import * as lancedb from '@lancedb/lancedb';

const [dir, tableName, queryFile] = process.argv.slice(2);
if (!dir || !tableName || !queryFile) {
  process.stderr.write('usage: raw-query-worker <index dir> <table> <query.json>\n');
  process.exit(2);
}
const query = JSON.parse(fs.readFileSync(queryFile, 'utf8')) as {
  fts: string;
  fields: { column: string; weight: number }[];
  vector: number[];
  columns: string[];
};
// The full-text query as lexicalQuery builds it: every weighted column, scores summed.
const fields = new lancedb.BooleanQuery(
  query.fields.map((f) => [lancedb.Occur.Should, new lancedb.MatchQuery(query.fts, f.column, { boost: f.weight })]),
);
const table = await (await lancedb.connect(dir)).openTable(tableName);
const [lexical, vector] = await Promise.all([
  table.search(fields, 'fts').select(query.columns).limit(100).toArray(),
  table.vectorSearch(query.vector).distanceType('cosine').select(query.columns).limit(100).toArray(),
]);
process.stdout.write(`${lexical.length} ${vector.length}\n`);
