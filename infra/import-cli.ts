// `npm run import -- volunteers FILE.csv [--apply] [--skip-invalid] [--centre ID] [--by PHONE|E-MAIL] [--all-rows]`
// `npm run import -- persons FILE.csv …` (the same options)
// `npm run import -- invitations --out invitasjoner.html [--centre ID] [--by …]`
//
// Without --apply it is a dry run: the report says, row by row, what would happen, and nothing is
// stored. With --apply nothing is stored while any row is invalid, unless --skip-invalid. The import
// is recorded as done by --by (a coordinator or staff member of the centre, by phone or e-mail; the
// centre's only coordinator when left out), together with the operating-system user who ran it.
// `invitations` makes new invitations for the imported volunteers not yet connected and writes the
// printable page with QR codes. See docs/import.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { configOrExit } from './runtime.ts';
import { openDatabase, type Queryable } from './db.ts';
import { migrate } from './migrate.ts';
import { ensureDeclaration, listCentres } from './centres.ts';
import { applyImport, planImport } from './import.ts';
import { invitationList, issueInvitations } from './invitations.ts';
import { centreName } from './overview.ts';
import { importReport, importReportText } from '../adaptive-cards/import-report.ts';
import { invitationSheetHtml } from '../adaptive-cards/invitation-sheet.ts';
import { t } from '../adaptive-cards/texts.ts';
import { emailKey, MAX_IMPORT_ROWS, phoneKey, type ImportKind } from '../domain/import.ts';

const USAGE = `usage: npm run import -- volunteers|persons FILE.csv [--apply] [--skip-invalid] [--centre ID] [--by PHONE|E-MAIL] [--all-rows]
       npm run import -- invitations --out FILE.html [--centre ID] [--by PHONE|E-MAIL]`;

class CliError extends Error {}

function fail(message: string, code = 2): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    options: {
      apply: { type: 'boolean' }, 'skip-invalid': { type: 'boolean' }, centre: { type: 'string' }, by: { type: 'string' },
      'all-rows': { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
} catch (err) {
  fail(`${(err as Error).message.split('\n')[0]}\n${USAGE}`);
}
const { values: opts, positionals } = parsed;
if (opts.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const [what, file] = positionals;
if (what !== 'volunteers' && what !== 'persons' && what !== 'invitations') fail(USAGE);
if (what !== 'invitations' && !file) fail(`name the CSV file\n${USAGE}`);
if (what === 'invitations' && !opts.out) fail(`--out names the page to write\n${USAGE}`);
if (opts.centre !== undefined && !/^[a-z0-9_-]{1,64}$/.test(opts.centre)) fail('--centre must be a centre id like hamar');

async function centreOf(db: Queryable): Promise<string> {
  const centres = await listCentres(db);
  if (opts.centre) {
    if (!centres.some((c) => c.id === opts.centre)) throw new CliError(`no centre "${opts.centre}" (${centres.map((c) => c.id).join(', ') || 'none yet'})`);
    return opts.centre;
  }
  if (centres.length === 1) return centres[0]!.id;
  throw new CliError(centres.length === 0 ? 'the store has no centre yet' : `the store has several centres; choose one with --centre (${centres.map((c) => c.id).join(', ')})`);
}

/** Who the import is recorded as done by: staff of the centre named by phone or e-mail, or its only coordinator. */
async function actorOf(db: Queryable, centreId: string): Promise<string> {
  const staff = await db.query<{ id: string; role: string; phone: string | null; email: string | null }>(
    `SELECT id, role, phone, email FROM members WHERE centre_id = $1 AND role IN ('staff', 'coordinator') AND left_at IS NULL`,
    [centreId],
  );
  if (opts.by) {
    const byPhone = phoneKey(opts.by);
    const byEmail = emailKey(opts.by);
    const found = staff.filter((s) => (byPhone && phoneKey(s.phone) === byPhone) || (opts.by!.includes('@') && emailKey(s.email) === byEmail));
    if (found.length !== 1) throw new CliError(`--by ${found.length ? 'names several people' : 'names no staff member of the centre'}`);
    return found[0]!.id;
  }
  const coordinators = staff.filter((s) => s.role === 'coordinator');
  if (coordinators.length === 1) return coordinators[0]!.id;
  throw new CliError('say who imports with --by (the phone or e-mail of a coordinator or staff member of the centre)');
}

const config = configOrExit();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
let error: { message: string; code: number } | null = null;
try {
  await migrate(db);
  await ensureDeclaration(db);
  const centreId = await centreOf(db);
  const now = new Date();
  if (what === 'invitations') {
    const by = await actorOf(db, centreId);
    const open = (await invitationList(db, centreId, now)).filter((i) => i.state !== 'accepted').map((i) => i.memberId);
    const { issued } = await issueInvitations(db, { centreId, memberIds: open, by, now, validDays: config.INVITATION_VALID_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL, botAppId: config.MicrosoftAppId });
    const centre = (await centreName(db, centreId)) ?? centreId;
    writeFileSync(opts.out!, invitationSheetHtml('nb', { centre, invitations: issued.map((i) => ({ name: i.name, code: i.code, webLink: i.links.web, teams: i.links.teams !== null, qr: i.qr, expiresAt: i.expiresAt })) }), 'utf8');
    process.stdout.write(`${t('nb', 'import.invitationsWritten', { count: issued.length, file: opts.out! })}\n`);
  } else {
    const kind: ImportKind = what;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file!);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const input = { kind, centreId, bytes, now, consentValidityMonths: config.CONSENT_VALIDITY_MONTHS };
    const reportOpts = { consentValidityMonths: config.CONSENT_VALIDITY_MONTHS, maxRows: MAX_IMPORT_ROWS };
    if (!opts.apply) {
      const plan = await planImport(db, input);
      process.stdout.write(importReportText('nb', importReport('nb', plan, reportOpts), { allRows: opts['all-rows'] === true }));
      process.stdout.write(plan.fileProblems.length ? '' : `\n${t('nb', 'import.dryRunNote')} (--apply)\n`);
      if (plan.fileProblems.length) error = { message: 'the file cannot be imported', code: 1 };
    } else {
      const by = await actorOf(db, centreId);
      const result = await applyImport(db, { ...input, actor: { memberId: by, via: 'cli', label: `cli:${userInfo().username}` }, skipInvalid: opts['skip-invalid'] === true });
      const report = importReport('nb', result.plan, reportOpts);
      process.stdout.write(importReportText('nb', report, { allRows: opts['all-rows'] === true }));
      if (!result.ok) {
        if (result.reason === 'invalid_rows') process.stdout.write(`\n${t('nb', 'import.blocked', { count: result.plan.counts.skip })} (--skip-invalid)\n`);
        error = { message: 'nothing was imported', code: 1 };
      } else {
        const c = result.plan.counts;
        process.stdout.write(`\n${result.importId ? t('nb', 'import.done', { create: c.create, update: c.update, unchanged: c.unchanged, skip: c.skip }) : t('nb', 'import.nothingNew')}\n`);
      }
    }
  }
} catch (err) {
  error = { message: err instanceof CliError ? err.message : ((err as Error).message.split('\n')[0] ?? 'failed'), code: err instanceof CliError ? 2 : 1 };
} finally {
  await db.close();
}
if (error) fail(error.message, error.code);
