// Import of a centre's spreadsheet: a dry run that says, row by row, what would happen, and the same
// plan applied in one transaction. The file is always read and checked again when applied — nothing
// from an earlier dry run is trusted. Scoped to the importing centre: a phone or e-mail that belongs
// to a volunteer of another centre is not touched. Every record created or changed is audited.
//
// Re-running a file changes nothing: phone (or e-mail) finds the record, and one hash per field of
// what the last import said tells which cells changed since. Only those are written, so a volunteer's
// own changes in chat survive a second import of the same file; an empty cell never clears anything.
import { TZDate } from '@date-fns/tz';
import type { Database, Queryable, Transaction } from './db.ts';
import { audit } from './audit.ts';
import { interestGroups } from './centres.ts';
import { recordConsent } from './persons.ts';
import { readSheet, type FileDelimiter, type FileEncoding } from './import-file.ts';
import { sha256Hex } from './secret-tokens.ts';
import {
  checkPersonRow, checkVolunteerRow, emailKey, isError, markDuplicates, MAX_IMPORT_ROWS, phoneKey, resolveHeaders,
  type FileProblem, type HeaderMap, type ImportColumn, type ImportContext, type ImportKind, type PersonRecord, type RowProblem, type RowResult, type VolunteerRecord,
} from '../domain/import.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { DEFAULT_WEEKLY_CAP } from '../adaptive-cards/volunteer-signup.ts';
import type { ConsentBasis } from '../domain/types.ts';
import { TIME_ZONE, osloDate } from '../domain/time-zone.ts';

export type RowAction = 'create' | 'update' | 'unchanged' | 'skip';

export interface RowPlan {
  line: number;
  action: RowAction;
  /** The fields an update changes (domain column names). */
  changed: string[];
  problems: RowProblem[];
  /** The name on the row, so the coordinator knows which row it is (the report goes to them only). */
  name: string;
}

export interface ImportPlan {
  kind: ImportKind;
  centreId: string;
  encoding: FileEncoding | null;
  delimiter: FileDelimiter | null;
  /** Headings we did not recognise: their cells were not read. */
  ignoredColumns: string[];
  /** Problems with the file as a whole; when any, there are no rows. */
  fileProblems: FileProblem[];
  rows: RowPlan[];
  counts: { rows: number; create: number; update: number; unchanged: number; skip: number; errors: number; warnings: number };
  fileSha256: string;
}

export interface ImportActor {
  /** The staff member or coordinator who imports: recorded as actor, and as who recorded an imported consent. */
  memberId: string;
  via: 'tab' | 'cli';
  /** From the command line: the operating-system user. */
  label?: string | null;
}

export type ApplyResult =
  | { ok: true; importId: string | null; plan: ImportPlan; createdVolunteerIds: string[] }
  | { ok: false; reason: 'invalid_rows' | 'file_problem'; plan: ImportPlan };

// ---- what is stored ---------------------------------------------------------------------------------

interface StoredVolunteer {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  postcode: string | null;
  district: string;
  groups: string[];
  languages: string[];
  police_certificate_checked_on: string | null;
  signed_version: number | null;
  in_centre: boolean;
  field_hashes: Record<string, string> | null;
}

interface StoredPerson {
  id: string;
  name: string | null;
  address: string | null;
  phone: string | null;
  district: string;
  notes: string | null;
  import_field_hashes: Record<string, string> | null;
  consent_basis: ConsentBasis | null;
  consent_date: string | null;
  consent_relation: string | null;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/** One field's value as hashed: a stable text whatever order a list came in. */
function fieldText(value: unknown): string {
  if (Array.isArray(value)) return [...value].map(String).sort().join('\u001f');
  if (value && typeof value === 'object') return JSON.stringify(value, Object.keys(value).sort());
  return value === null || value === undefined ? '' : String(value);
}

/** jsonb gives keys back in its own order: compare field by field. */
function sameHashes(stored: Record<string, string> | null, hashes: Record<string, string>): boolean {
  if (!stored) return false;
  const keys = Object.keys(hashes);
  return keys.length === Object.keys(stored).length && keys.every((k) => stored[k] === hashes[k]);
}

export function fieldHashes(record: object): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, sha256Hex(`${k}\u0000${fieldText(v)}`).slice(0, 32)]));
}

/**
 * The fields of `record` to write: those the file has a value for, that changed in the file since the
 * last import (or were never imported), and that differ from what is stored.
 */
function changedFields<R extends object>(record: R, stored: Record<string, string> | null, differs: { [K in keyof R]?: (value: R[K]) => boolean }): Array<keyof R & string> {
  const hashes = fieldHashes(record);
  const out: Array<keyof R & string> = [];
  for (const key of Object.keys(record) as Array<keyof R & string>) {
    const value = record[key];
    if (value === null || (Array.isArray(value) && value.length === 0)) continue; // an empty cell never clears
    if (stored && stored[key] === hashes[key]) continue; // the same as last time: whatever is stored now stays
    const check = differs[key];
    if (check ? check(value) : true) out.push(key);
  }
  return out;
}

async function importContext(db: Queryable, centreId: string, now: Date, consentValidityMonths: number): Promise<ImportContext> {
  const versions = await db.query<{ version: number }>('SELECT version FROM declarations ORDER BY version');
  return {
    today: osloDate(now),
    currentDeclarationVersion: CURRENT_DECLARATION_VERSION,
    declarationVersions: versions.map((v) => v.version),
    groups: await interestGroups(db, [centreId]),
    consentValidityMonths,
  };
}

// ---- planning -----------------------------------------------------------------------------------

interface Planned<R, S> {
  plan: ImportPlan;
  /** Rows to write, with what is stored for them (null: a new record) and the fields to change. */
  writes: Array<{ line: number; record: R; stored: S | null; changed: string[]; hashes: Record<string, string>; hashesChanged: boolean }>;
}

function emptyPlan(kind: ImportKind, centreId: string, sha: string): ImportPlan {
  return { kind, centreId, encoding: null, delimiter: null, ignoredColumns: [], fileProblems: [], rows: [], counts: { rows: 0, create: 0, update: 0, unchanged: 0, skip: 0, errors: 0, warnings: 0 }, fileSha256: sha };
}

function finish<R, S>(planned: Planned<R, S>, results: Array<RowResult<R>>, decided: Map<number, { action: RowAction; changed: string[] }>, names: Map<number, string>): ImportPlan {
  const plan = planned.plan;
  plan.rows = results.map((r) => {
    const d = r.record ? decided.get(r.line) : undefined;
    return { line: r.line, action: d?.action ?? 'skip', changed: d?.changed ?? [], problems: r.problems, name: names.get(r.line) ?? '' };
  });
  const c = plan.counts;
  c.rows = plan.rows.length;
  for (const row of plan.rows) {
    c[row.action]++;
    c.errors += row.problems.filter(isError).length;
    c.warnings += row.problems.filter((p) => !isError(p)).length;
  }
  return plan;
}

type PlanInput = { centreId: string; bytes: Uint8Array; now: Date; consentValidityMonths: number };

/**
 * The file read and every row checked (file problems end it there), duplicates within the file
 * marked, and each row's name for the report. What is stored is compared by the caller.
 */
async function checkedRows<R extends { phone: string | null; email?: string | null }, S>(
  db: Queryable,
  kind: ImportKind,
  input: PlanInput,
  check: (line: number, columns: HeaderMap<ImportColumn>['columns'], cells: string[], ctx: ImportContext) => RowResult<R>,
): Promise<{ planned: Planned<R, S>; rows: { results: Array<RowResult<R>>; names: Map<number, string> } | null }> {
  const planned: Planned<R, S> = { plan: emptyPlan(kind, input.centreId, sha256Hex(input.bytes)), writes: [] };
  const sheet = readSheet(input.bytes, MAX_IMPORT_ROWS);
  if (!sheet.ok) return (planned.plan.fileProblems.push(sheet.problem), { planned, rows: null });
  Object.assign(planned.plan, { encoding: sheet.encoding, delimiter: sheet.delimiter });
  const headers = resolveHeaders(kind, sheet.headings);
  planned.plan.ignoredColumns = headers.ignored;
  if (headers.problems.length) return (planned.plan.fileProblems.push(...headers.problems), { planned, rows: null });
  const ctx = await importContext(db, input.centreId, input.now, input.consentValidityMonths);
  const results = sheet.rows.map((r) => check(r.line, headers.columns, r.cells, ctx));
  markDuplicates(results);
  const col = (r: { cells: string[] }, f: ImportColumn) => (headers.columns[f] === undefined ? undefined : r.cells[headers.columns[f]!]);
  const names = new Map(sheet.rows.map((r) => [r.line, (col(r, 'name') ?? [col(r, 'firstName'), col(r, 'lastName')].filter(Boolean).join(' ')).trim().slice(0, 100)]));
  return { planned, rows: { results, names } };
}

async function planVolunteers(db: Queryable, input: PlanInput): Promise<Planned<VolunteerRecord, StoredVolunteer>> {
  const { planned, rows } = await checkedRows<VolunteerRecord, StoredVolunteer>(db, 'volunteers', input, checkVolunteerRow);
  if (!rows) return planned;
  const { results, names } = rows;

  const phones = [...new Set(results.flatMap((r) => (r.record?.phone ? [phoneKey(r.record.phone)!.slice(-8)] : [])))];
  const emails = [...new Set(results.flatMap((r) => (r.record?.email ? [r.record.email] : [])))];
  // The centre's volunteers, and anyone else whose phone or e-mail is in the file (to refuse, not to touch).
  const stored = await db.query<StoredVolunteer>(
    `SELECT m.id, m.name, m.phone, m.email, v.postcode, v.district, v.groups, v.languages, v.police_certificate_checked_on,
            (SELECT max(version) FROM declaration_signatures s WHERE s.member_id = m.id) AS signed_version,
            EXISTS (SELECT 1 FROM volunteer_centres vc WHERE vc.member_id = m.id AND vc.centre_id = $1) AS in_centre,
            vi.field_hashes
       FROM volunteers v JOIN members m ON m.id = v.member_id
       LEFT JOIN volunteer_imports vi ON vi.member_id = m.id AND vi.centre_id = $1
      WHERE m.left_at IS NULL
        AND (EXISTS (SELECT 1 FROM volunteer_centres vc WHERE vc.member_id = m.id AND vc.centre_id = $1)
             OR right(regexp_replace(coalesce(m.phone, ''), '\\D', '', 'g'), 8) = ANY($2::text[])
             OR lower(m.email) = ANY($3::text[]))`,
    [input.centreId, phones, emails],
  );
  const byPhone = new Map<string, StoredVolunteer[]>();
  const byEmail = new Map<string, StoredVolunteer[]>();
  for (const s of stored) {
    const p = phoneKey(s.phone);
    const e = emailKey(s.email);
    if (p) byPhone.set(p, [...(byPhone.get(p) ?? []), s]);
    if (e) byEmail.set(e, [...(byEmail.get(e) ?? []), s]);
  }

  const decided = new Map<number, { action: RowAction; changed: string[] }>();
  for (const r of results) {
    const record = r.record;
    if (!record) continue;
    const matches = [...(record.phone ? (byPhone.get(phoneKey(record.phone)!) ?? []) : []), ...(record.email ? (byEmail.get(record.email) ?? []) : [])];
    const ids = [...new Set(matches.map((m) => m.id))];
    if (ids.length > 1) {
      r.problems.push({ line: r.line, field: 'email', code: 'key_conflict' });
      r.record = null;
      continue;
    }
    const existing = matches[0] ?? null;
    if (existing && !existing.in_centre) {
      r.problems.push({ line: r.line, field: record.phone && byPhone.has(phoneKey(record.phone)!) ? 'phone' : 'email', code: 'other_centre' });
      r.record = null;
      continue;
    }
    const hashes = fieldHashes(record);
    if (!existing) {
      decided.set(r.line, { action: 'create', changed: [] });
      planned.writes.push({ line: r.line, record, stored: null, changed: [], hashes, hashesChanged: true });
      continue;
    }
    const changed = changedFields(record, existing.field_hashes, {
      name: (v) => v !== existing.name,
      phone: (v) => v !== phoneKey(existing.phone),
      email: (v) => v !== emailKey(existing.email),
      postcode: (v) => v !== existing.postcode,
      district: (v) => v !== existing.district,
      groups: (v) => !same(v, existing.groups),
      languages: (v) => !same(v, existing.languages),
      // A signature is added, never taken away; an older one than what is on record adds nothing.
      declaration: (v) => v !== null && (existing.signed_version ?? 0) < v.version,
      // The later check counts: an old spreadsheet never moves a newer check back.
      policeCheckedOn: (v) => v !== null && (existing.police_certificate_checked_on === null || v > existing.police_certificate_checked_on),
    });
    const hashesChanged = !sameHashes(existing.field_hashes, hashes);
    decided.set(r.line, { action: changed.length ? 'update' : 'unchanged', changed });
    if (changed.length || hashesChanged) planned.writes.push({ line: r.line, record, stored: existing, changed, hashes, hashesChanged });
  }
  finish(planned, results, decided, names);
  return planned;
}

async function planPersons(db: Queryable, input: PlanInput): Promise<Planned<PersonRecord, StoredPerson>> {
  const { planned, rows } = await checkedRows<PersonRecord, StoredPerson>(db, 'persons', input, checkPersonRow);
  if (!rows) return planned;
  const { results, names } = rows;

  const stored = await db.query<StoredPerson>(
    `SELECT p.id, p.name, p.address, p.phone, p.district, p.notes, p.import_field_hashes,
            c.basis AS consent_basis, to_char(c.given_at AT TIME ZONE '${TIME_ZONE}', 'YYYY-MM-DD') AS consent_date, c.relation AS consent_relation
       FROM persons p
       LEFT JOIN LATERAL (SELECT basis, given_at, relation FROM consents WHERE person_id = p.id AND withdrawn_at IS NULL ORDER BY given_at DESC LIMIT 1) c ON true
      WHERE p.centre_id = $1 AND p.erased_at IS NULL`,
    [input.centreId],
  );
  const byPhone = new Map<string, StoredPerson[]>();
  for (const s of stored) {
    const p = phoneKey(s.phone);
    if (p) byPhone.set(p, [...(byPhone.get(p) ?? []), s]);
  }

  const decided = new Map<number, { action: RowAction; changed: string[] }>();
  for (const r of results) {
    const record = r.record;
    if (!record) continue;
    const matches = byPhone.get(phoneKey(record.phone)!) ?? [];
    if (matches.length > 1) {
      r.problems.push({ line: r.line, field: 'phone', code: 'key_conflict' });
      r.record = null;
      continue;
    }
    const existing = matches[0] ?? null;
    const hashes = fieldHashes(record);
    if (!existing) {
      decided.set(r.line, { action: 'create', changed: [] });
      planned.writes.push({ line: r.line, record, stored: null, changed: [], hashes, hashesChanged: true });
      continue;
    }
    const changed = changedFields(record, existing.import_field_hashes, {
      name: (v) => v !== existing.name,
      address: (v) => v !== existing.address,
      phone: (v) => v !== phoneKey(existing.phone),
      district: (v) => v !== existing.district,
      notes: (v) => v !== existing.notes,
      // A consent is recorded when the file names a later one than the latest on file, or another basis that day.
      consent: (v) => v !== null && (existing.consent_date === null || v.date > existing.consent_date || (v.date === existing.consent_date && v.basis !== existing.consent_basis)),
    });
    const hashesChanged = !sameHashes(existing.import_field_hashes, hashes);
    decided.set(r.line, { action: changed.length ? 'update' : 'unchanged', changed });
    if (changed.length || hashesChanged) planned.writes.push({ line: r.line, record, stored: existing, changed, hashes, hashesChanged });
  }
  finish(planned, results, decided, names);
  return planned;
}

export interface ImportInput {
  kind: ImportKind;
  centreId: string;
  bytes: Uint8Array;
  now: Date;
  consentValidityMonths: number;
}

/** The dry run: what an import of this file would do, row by row. Stores nothing. */
export async function planImport(db: Queryable, input: ImportInput): Promise<ImportPlan> {
  return (input.kind === 'volunteers' ? await planVolunteers(db, input) : await planPersons(db, input)).plan;
}

// ---- applying -----------------------------------------------------------------------------------

/**
 * Stores what the plan says, in one transaction. While any row is invalid nothing is stored, unless
 * `skipInvalid`: then the valid rows are imported and the invalid ones left out (and reported).
 */
export async function applyImport(db: Database, input: ImportInput & { actor: ImportActor; skipInvalid: boolean }): Promise<ApplyResult> {
  return db.transaction(async (tx) => {
    // Two imports for one centre at once would both create the same new volunteer.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dugnad:import:${input.centreId}`]);
    const planned = input.kind === 'volunteers' ? await planVolunteers(tx, input) : await planPersons(tx, input);
    const plan = planned.plan;
    if (plan.fileProblems.length) return { ok: false as const, reason: 'file_problem' as const, plan };
    if (plan.counts.skip > 0 && !input.skipInvalid) return { ok: false as const, reason: 'invalid_rows' as const, plan };
    if (planned.writes.length === 0) return { ok: true as const, importId: null, plan, createdVolunteerIds: [] };

    const c = plan.counts;
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO imports (centre_id, kind, imported_by, via, actor_label, file_sha256, rows_total, created, updated, unchanged, skipped, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [input.centreId, input.kind, input.actor.memberId, input.actor.via, input.actor.label ?? null, plan.fileSha256, c.rows, c.create, c.update, c.unchanged, c.skip, input.now],
    );
    const importId = rows[0]!.id;
    const createdVolunteerIds: string[] = [];
    if (input.kind === 'volunteers') {
      for (const w of (planned as Planned<VolunteerRecord, StoredVolunteer>).writes) {
        const id = await writeVolunteer(tx, { ...w, centreId: input.centreId, importId, actor: input.actor, now: input.now });
        if (!w.stored) createdVolunteerIds.push(id);
      }
    } else {
      for (const w of (planned as Planned<PersonRecord, StoredPerson>).writes) {
        await writePerson(tx, { ...w, centreId: input.centreId, importId, actor: input.actor, now: input.now, consentValidityMonths: input.consentValidityMonths });
      }
    }
    return { ok: true as const, importId, plan, createdVolunteerIds };
  });
}

interface WriteInput<R, S> {
  record: R;
  stored: S | null;
  changed: string[];
  hashes: Record<string, string>;
  centreId: string;
  importId: string;
  actor: ImportActor;
  now: Date;
}

/** Midday on a calendar date in Oslo: a signature "on" that date, whatever the server's zone. */
function osloNoon(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 12, 0, 0, TIME_ZONE).getTime());
}

async function writeVolunteer(tx: Transaction, w: WriteInput<VolunteerRecord, StoredVolunteer>): Promise<string> {
  const r = w.record;
  let memberId: string;
  if (!w.stored) {
    // The centre knows its volunteers already: they are approved. They get offers once they have a
    // chat account (the invitation), times that suit them and the current declaration signed.
    const m = await tx.query<{ id: string }>(`INSERT INTO members (role, name, phone, email, locale, created_at) VALUES ('volunteer', $1, $2, $3, 'nb', $4) RETURNING id`, [r.name, r.phone, r.email, w.now]);
    memberId = m[0]!.id;
    await tx.query(
      `INSERT INTO volunteers (member_id, status, district, postcode, groups, languages, availability, weekly_cap, comfort, approved_at, approved_by, police_certificate_checked_on)
       VALUES ($1, 'approved', $2, $3, $4, $5, '[]'::jsonb, $6, 'any', $7, $8, $9)`,
      [memberId, r.district, r.postcode, r.groups, r.languages.length ? r.languages : ['nb'], DEFAULT_WEEKLY_CAP, w.now, w.actor.memberId, r.policeCheckedOn],
    );
    await tx.query('INSERT INTO volunteer_centres (member_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [memberId, w.centreId]);
    if (r.declaration) await recordImportedSignature(tx, memberId, r.declaration, w.importId);
    await audit(tx, { actorId: w.actor.memberId, action: 'import.create', memberId, importId: w.importId, fields: Object.keys(r).filter((k) => !isEmpty(r[k as keyof VolunteerRecord])), at: w.now });
  } else {
    memberId = w.stored.id;
    const has = (f: keyof VolunteerRecord) => w.changed.includes(f);
    if (has('name') || has('phone') || has('email')) {
      await tx.query('UPDATE members SET name = CASE WHEN $2 THEN $3 ELSE name END, phone = CASE WHEN $4 THEN $5 ELSE phone END, email = CASE WHEN $6 THEN $7 ELSE email END WHERE id = $1',
        [memberId, has('name'), r.name, has('phone'), r.phone, has('email'), r.email]);
    }
    if (has('postcode') || has('district') || has('groups') || has('languages') || has('policeCheckedOn')) {
      await tx.query(
        `UPDATE volunteers SET postcode = CASE WHEN $2 THEN $3 ELSE postcode END, district = CASE WHEN $4 THEN $5 ELSE district END,
                groups = CASE WHEN $6 THEN $7::text[] ELSE groups END, languages = CASE WHEN $8 THEN $9::text[] ELSE languages END,
                police_certificate_checked_on = CASE WHEN $10 THEN $11::date ELSE police_certificate_checked_on END
          WHERE member_id = $1`,
        [memberId, has('postcode'), r.postcode, has('district'), r.district, has('groups'), r.groups, has('languages'), r.languages, has('policeCheckedOn'), r.policeCheckedOn],
      );
    }
    if (has('declaration') && r.declaration) await recordImportedSignature(tx, memberId, r.declaration, w.importId);
    if (w.changed.length) await audit(tx, { actorId: w.actor.memberId, action: 'import.update', memberId, importId: w.importId, fields: w.changed, at: w.now });
  }
  await tx.query(
    `INSERT INTO volunteer_imports (member_id, centre_id, first_import_id, last_import_id, field_hashes) VALUES ($1, $2, $3, $3, $4)
     ON CONFLICT (member_id, centre_id) DO UPDATE SET last_import_id = EXCLUDED.last_import_id, field_hashes = EXCLUDED.field_hashes`,
    [memberId, w.centreId, w.importId, JSON.stringify(w.hashes)],
  );
  return memberId;
}

/** A declaration signed on paper, as the centre's register says: channel 'import', the import as "user". */
async function recordImportedSignature(tx: Queryable, memberId: string, d: { signedOn: string; version: number }, importId: string): Promise<void> {
  await tx.query(
    `INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) VALUES ($1, $2, $3, 'import', $4)
     ON CONFLICT (member_id, version) DO NOTHING`,
    [memberId, d.version, osloNoon(d.signedOn), importId],
  );
}

function isEmpty(v: unknown): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

async function writePerson(tx: Transaction, w: WriteInput<PersonRecord, StoredPerson> & { consentValidityMonths: number }): Promise<void> {
  const r = w.record;
  let personId: string;
  if (!w.stored) {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO persons (centre_id, name, address, phone, district, notes, created_by, created_at, import_id, import_field_hashes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [w.centreId, r.name, r.address, r.phone, r.district, r.notes, w.actor.memberId, w.now, w.importId, JSON.stringify(w.hashes)],
    );
    personId = rows[0]!.id;
    await audit(tx, { actorId: w.actor.memberId, action: 'import.create', personId, importId: w.importId, fields: Object.keys(r).filter((k) => !isEmpty(r[k as keyof PersonRecord])), at: w.now });
  } else {
    personId = w.stored.id;
    const has = (f: keyof PersonRecord) => w.changed.includes(f);
    await tx.query(
      `UPDATE persons SET name = CASE WHEN $2 THEN $3 ELSE name END, address = CASE WHEN $4 THEN $5 ELSE address END,
              phone = CASE WHEN $6 THEN $7 ELSE phone END, district = CASE WHEN $8 THEN $9 ELSE district END,
              notes = CASE WHEN $10 THEN $11 ELSE notes END, import_id = $12, import_field_hashes = $13
        WHERE id = $1`,
      [personId, has('name'), r.name, has('address'), r.address, has('phone'), r.phone, has('district'), r.district, has('notes'), r.notes, w.importId, JSON.stringify(w.hashes)],
    );
    if (w.changed.length) await audit(tx, { actorId: w.actor.memberId, action: 'import.update', personId, importId: w.importId, fields: w.changed, at: w.now });
  }
  if (r.consent && (!w.stored || w.changed.includes('consent'))) {
    // Counted from the day it was given, as in chat (persons.ts registerPerson): never from later than now.
    const givenAt = new Date(Math.min(w.now.getTime(), osloMidnight(r.consent.date).getTime()));
    await recordConsent(tx, { personId, basis: r.consent.basis, relation: r.consent.relation, recordedBy: w.actor.memberId, givenAt, validityMonths: w.consentValidityMonths, at: w.now });
  }
}

function osloMidnight(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, TIME_ZONE).getTime());
}
