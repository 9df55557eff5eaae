import pg from 'pg';

/** The same server, another database. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(serverUrl: string, statement: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops every database this test run made, including ones a crashed worker left behind. */
export async function dropRunDatabases(serverUrl: string, runId: string): Promise<void> {
  const { rows } = await adminQuery(serverUrl, `SELECT datname FROM pg_database WHERE datname LIKE 'hs\\_test\\_${runId}\\_%'`);
  for (const { datname } of rows as { datname: string }[]) {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}
