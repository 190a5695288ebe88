// Rows that concurrent callers append outside a transaction share one INSERT, and so one commit and
// one WAL flush: group commit, as PostgreSQL does for concurrent commits, one level up. Thirty-two
// volunteers asking «Mine oppdrag» at once each wait for their own reveal row to be durable before
// they are shown anything; this makes that a handful of statements instead of thirty-two.
import type { Database } from './db.ts';

interface Waiting<T> {
  rows: T[];
  done: () => void;
  failed: (err: unknown) => void;
}

interface Line<T> {
  waiting: Waiting<T>[];
  writing: boolean;
}

/** Rows per shared statement; more wait for the next one. */
const MAX_ROWS = 500;

/**
 * `append(db, rows)` settles once a committed statement holds `rows`, like `write(db, rows)` does,
 * but while one shared statement is in flight on `db` the rows that arrive wait for it and go together
 * in the next. A caller alone writes at once (no timer, no added wait). When a shared statement fails,
 * each caller's rows are written on their own, so one caller's bad row never fails another's.
 */
export function groupCommit<T>(write: (db: Database, rows: T[]) => Promise<void>): (db: Database, rows: T[]) => Promise<void> {
  const lines = new WeakMap<Database, Line<T>>();

  async function drain(db: Database, line: Line<T>): Promise<void> {
    line.writing = true;
    try {
      while (line.waiting.length > 0) {
        let count = 0;
        let take = 0;
        while (take < line.waiting.length && (take === 0 || count + line.waiting[take]!.rows.length <= MAX_ROWS)) count += line.waiting[take++]!.rows.length;
        const batch = line.waiting.splice(0, take);
        try {
          await write(db, batch.flatMap((w) => w.rows));
          for (const w of batch) w.done();
        } catch (err) {
          if (batch.length === 1) batch[0]!.failed(err);
          else await Promise.all(batch.map((w) => write(db, w.rows).then(w.done, w.failed)));
        }
      }
    } finally {
      line.writing = false;
    }
  }

  return (db, rows) => {
    if (rows.length === 0) return Promise.resolve();
    let line = lines.get(db);
    if (!line) lines.set(db, (line = { waiting: [], writing: false }));
    const settled = new Promise<void>((done, failed) => line.waiting.push({ rows, done, failed }));
    if (!line.writing) void drain(db, line);
    return settled;
  };
}
