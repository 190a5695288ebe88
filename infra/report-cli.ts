// `npm run report -- --from 2026-01-01 --to 2026-12-31 [--centre hamar] [--format csv|json] [--out file] [--group-by month,group]`:
// the centre's figures for the annual report from the configured store. See docs/reporting.md.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { configOrExit } from './runtime.ts';
import { openDatabase } from './db.ts';
import { migrate } from './migrate.ts';
import { listCentres } from './centres.ts';
import { osloMidnight, reportCsv, reportFile, reportForDays, reportJson, ReportError, REPORT_DIMENSIONS } from './reports.ts';

const USAGE = 'usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--centre ID] [--format csv|json] [--out FILE] [--group-by month,week,group,district,poster]';

function fail(message: string, code = 2): never {
  process.stderr.write(`report: ${message}\n`);
  process.exit(code);
}

const day = (flag: string) =>
  z.string({ message: `${flag} is required (a date like 2026-01-01)` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `${flag} must be a date like 2026-01-01` })
    .refine((v) => osloMidnight(v) !== null, { message: `${flag} is not a calendar date` });

const Args = z
  .object({
    from: day('--from'),
    to: day('--to'),
    centre: z.string().regex(/^[a-z0-9_-]{1,64}$/, { message: '--centre must be a centre id like hamar' }).optional(),
    format: z.enum(['csv', 'json'], { message: '--format must be csv or json' }).default('csv'),
    out: z.string().min(1, { message: '--out needs a file name' }).optional(),
    'group-by': z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(REPORT_DIMENSIONS, { message: `--group-by takes ${REPORT_DIMENSIONS.join(', ')}` })))
      .optional(),
  })
  .refine((a) => a.from <= a.to, { message: '--to must not be before --from' });

let raw;
try {
  raw = parseArgs({
    args: process.argv.slice(2),
    options: {
      from: { type: 'string' }, to: { type: 'string' }, centre: { type: 'string' }, format: { type: 'string' },
      out: { type: 'string' }, 'group-by': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  fail(`${(err as Error).message.split('\n')[0]} (${USAGE})`);
}
if (raw.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const parsed = Args.safeParse(raw);
if (!parsed.success) fail(parsed.error.issues[0]!.message);
const args = parsed.data;

const config = configOrExit();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
// Errors are collected and the store closed before exiting: PGlite should not be left mid-write.
let error: { message: string; code: number } | null = null;
try {
  await migrate(db);
  let centreId = args.centre;
  if (!centreId) {
    const centres = await listCentres(db);
    if (centres.length === 0) throw new ReportError('the store has no centre yet (npm run seed:demo creates the demo centre)');
    if (centres.length > 1) throw new ReportError(`the store has several centres; choose one with --centre (${centres.map((c) => c.id).join(', ')})`);
    centreId = centres[0]!.id;
  }
  const { report, presented } = await reportForDays(db, {
    centreId,
    from: args.from,
    to: args.to,
    ...(args['group-by'] ? { groupBy: args['group-by'] } : {}),
  });
  if (args.out) {
    // The same file the Teams tab offers for download (a CSV file starts with a byte-order mark).
    writeFileSync(args.out, reportFile(presented, args.format).text, 'utf8');
    process.stderr.write(`Wrote ${args.format.toUpperCase()} for ${report.centre.name}, ${presented.period.from} to ${presented.period.to}, to ${args.out}\n`);
  } else {
    process.stdout.write(args.format === 'csv' ? reportCsv(presented) : reportJson(presented));
  }
} catch (err) {
  error = { message: (err as Error).message.split('\n')[0] ?? 'failed', code: 1 };
} finally {
  await db.close();
}
if (error) fail(error.message, error.code);
