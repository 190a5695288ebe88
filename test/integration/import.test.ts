// A centre moves in from its spreadsheet (issue 18): 300 volunteers saved by Excel in both encodings,
// a dry run that reports per row and stores nothing, an import that stores nothing while a row is
// invalid unless told to skip them, a re-run that changes nothing, a changed row that updates — all
// scoped to the importing centre and audited. People helped come with consent, or wait for it.
// Through the real store and, for the coordinator's upload, the tab's real HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { utf8Csv, volunteerPhone, volunteerRows, windows1252Csv, VOLUNTEER_HEADINGS } from '../support/import-files.ts';
import { applyImport, planImport, type ImportInput } from '../../infra/import.ts';
import { readSheet } from '../../infra/import-file.ts';
import { importReport } from '../../adaptive-cards/import-report.ts';
import { issueDirectLineToken } from '../../bot/directline.ts';
import { ensureCentre } from '../../infra/centres.ts';
import { matchingSettings } from '../../infra/requests.ts';
import { postRequest } from '../../use-cases/post-request.ts';
import { templateCsv, templateHeadings } from '../../domain/import.ts';
import { osloDate } from '../../domain/time-zone.ts';

const DEV_SECRET = 'import-test-directline-secret-0123456789abcdef';
let app: TestApp;
let coordinatorId: string;
const CENTRE = 'hamar';

const rows = volunteerRows(300);
// Three rows a coordinator would have to fix, one with a remark only.
rows[5]![1] = '12'; // line 7: not a phone number
rows[7]![3] = 'abc'; // line 9: not a postcode
rows[9]![5] = 'Strikking, Handlehjelp'; // line 11: a group the centre does not have (a warning)
rows[12]![1] = rows[11]![1]!; // line 14: the same phone as line 13
const win1252 = windows1252Csv(VOLUNTEER_HEADINGS, rows);
const utf8 = utf8Csv(VOLUNTEER_HEADINGS, rows);

const count = async (sql: string, params: unknown[] = []) => Number((await app.db.query<{ n: number }>(sql, params))[0]!.n);
const volunteersOfCentre = () => count(`SELECT count(*)::int AS n FROM volunteer_centres WHERE centre_id = $1`, [CENTRE]);
const input = (bytes: Uint8Array, kind: ImportInput['kind'] = 'volunteers'): ImportInput => ({ kind, centreId: CENTRE, bytes, now: new Date(), consentValidityMonths: 12 });
const actor = () => ({ memberId: coordinatorId, via: 'tab' as const });

beforeAll(async () => {
  app = await startTestApp({ workers: false, env: { DIRECTLINE_TOKEN_SECRET: DEV_SECRET } });
  coordinatorId = (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = 'demo-ansatt-1'`))[0]!.member_id;
});
afterAll(async () => {
  await app?.close();
});

describe('reading the file', () => {
  it('reads Windows-1252 with semicolons and UTF-8 with commas to the same rows, æøå intact', () => {
    const a = readSheet(win1252, 5000);
    const b = readSheet(utf8, 5000);
    expect(a).toMatchObject({ ok: true, encoding: 'windows-1252', delimiter: ';' });
    expect(b).toMatchObject({ ok: true, encoding: 'utf-8', delimiter: ',' });
    if (!a.ok || !b.ok) return;
    expect(a.headings).toEqual(b.headings);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows).toHaveLength(300);
    expect(a.rows[0]).toEqual({ line: 2, cells: rows[0] });
    expect(a.rows[0]!.cells[0]).toBe('Åse Ødegård');
  });

  it('the template the tab offers has the headings the guide documents', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('docs/import-frivillige.csv', 'utf8')).toBe(templateCsv('volunteers'));
    expect(readFileSync('docs/import-personer.csv', 'utf8')).toBe(templateCsv('persons'));
    for (const heading of templateHeadings('volunteers')) expect(readFileSync('docs/import.md', 'utf8')).toContain(`\`${heading}\``);
  });
});

describe('importing 300 volunteers', () => {
  it('a dry run reports each problem by line and column in Norwegian, the same for both encodings, and stores nothing', async () => {
    const before = await volunteersOfCentre();
    const plan = await planImport(app.db, input(win1252));
    expect(await planImport(app.db, input(utf8))).toMatchObject({ counts: plan.counts, rows: plan.rows });
    expect(plan.counts).toMatchObject({ rows: 300, create: 297, update: 0, unchanged: 0, skip: 3, errors: 3, warnings: 1 });
    const report = importReport('nb', plan, { consentValidityMonths: 12, maxRows: 5000 });
    expect(report.notes[0]).toContain('Windows-1252');
    expect(report.summary).toBe('300 rader: 297 legges til, 0 oppdateres, 0 uendret, 3 importeres ikke.');
    expect(report.lines.map((l) => [l.line, l.column, l.error])).toEqual([
      [7, 'telefon', true],
      [9, 'postnummer', true],
      [11, 'interessegrupper', false],
      [14, 'telefon', true],
    ]);
    expect(report.lines[0]!.problem).toContain('Ikke et telefonnummer');
    expect(report.lines[0]!.outcome).toBe('Raden importeres ikke.');
    expect(report.lines[2]!.problem).toBe('«Strikking» er ikke en interessegruppe hos dere.');
    expect(report.lines[3]!.problem).toBe('Samme telefon som linje 13.');
    expect(await volunteersOfCentre()).toBe(before);
  });

  it('stores nothing while any row is invalid, unless the coordinator skips those rows', async () => {
    const before = await volunteersOfCentre();
    const blocked = await applyImport(app.db, { ...input(win1252), actor: actor(), skipInvalid: false });
    expect(blocked).toMatchObject({ ok: false, reason: 'invalid_rows' });
    expect(await volunteersOfCentre()).toBe(before);
    expect(await count(`SELECT count(*)::int AS n FROM imports`)).toBe(0);

    const done = await applyImport(app.db, { ...input(win1252), actor: actor(), skipInvalid: true });
    expect(done.ok).toBe(true);
    expect(await volunteersOfCentre()).toBe(before + 297);
    // Audited: who imported what, when — one entry per volunteer created, and the import itself.
    const [imp] = await app.db.query<{ id: string; imported_by: string; kind: string; created: number; skipped: number; centre_id: string }>(`SELECT * FROM imports`);
    expect(imp).toMatchObject({ imported_by: coordinatorId, kind: 'volunteers', created: 297, skipped: 3, centre_id: CENTRE });
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import.create' AND actor_id = $1 AND import_id = $2 AND member_id IS NOT NULL`, [coordinatorId, imp!.id])).toBe(297);
  });

  it('stored what the rows said: approved, the centre, groups by name, languages, a signature on paper, the politiattest, 0317', async () => {
    const volunteer = async (i: number) =>
      (await app.db.query<{ name: string; email: string | null; postcode: string; district: string; groups: string[]; languages: string[]; status: string; police: string | null; version: number | null; signed_channel: string | null }>(
        `SELECT m.name, m.email, v.postcode, v.district, v.groups, v.languages, v.status, v.police_certificate_checked_on AS police,
                s.version, s.channel_id AS signed_channel
           FROM members m JOIN volunteers v ON v.member_id = m.id JOIN volunteer_centres vc ON vc.member_id = m.id AND vc.centre_id = 'hamar'
           LEFT JOIN declaration_signatures s ON s.member_id = m.id
          WHERE m.phone = $1`,
        [volunteerPhone(i).replace(/\s/g, '')],
      ))[0]!;
    // Line 12: «317» (Excel ate the zero), Turvenn twice, norsk, signed version 1 on 11.02.2025, politiattest 11.03.2024.
    const ten = await volunteer(10);
    expect(ten).toMatchObject({ name: rows[10]![0], email: 'frivillig10@example.no', postcode: '0317', district: 'Ottestad', status: 'approved', police: '2024-03-11', version: 1, signed_channel: 'import' });
    expect(ten.groups).toEqual(['turvenn']);
    expect(ten.languages).toEqual(['nb']);
    // Line 26: no e-mail, no declaration (signs in Dugnad at the invitation), «norsk, polsk».
    const other = await volunteer(24);
    expect(other).toMatchObject({ email: null, version: null, police: null, languages: ['nb', 'pl'] });
  });

  it('re-running the same file — in the other encoding — changes nothing', async () => {
    const audits = await count(`SELECT count(*)::int AS n FROM audit_log`);
    const plan = await planImport(app.db, input(utf8));
    expect(plan.counts).toMatchObject({ create: 0, update: 0, unchanged: 297, skip: 3 });
    const again = await applyImport(app.db, { ...input(utf8), actor: actor(), skipInvalid: true });
    expect(again).toMatchObject({ ok: true, importId: null });
    expect(await count(`SELECT count(*)::int AS n FROM audit_log`)).toBe(audits);
    expect(await count(`SELECT count(*)::int AS n FROM imports`)).toBe(1);
  });

  it('a changed row updates that field only, and a volunteer’s own change in chat survives the same file again', async () => {
    const changed = rows.map((r) => [...r]);
    changed[20]![4] = 'Vang'; // was Ridabu
    const phone20 = volunteerPhone(20).replace(/\s/g, '');
    // Volunteer 21 (line 23) moved and said so in chat; the spreadsheet still has the old district.
    const phone21 = volunteerPhone(21).replace(/\s/g, '');
    await app.db.query(`UPDATE volunteers SET district = 'Hamar sentrum' WHERE member_id = (SELECT id FROM members WHERE phone = $1)`, [phone21]);

    const plan = await planImport(app.db, input(windows1252Csv(VOLUNTEER_HEADINGS, changed)));
    expect(plan.counts).toMatchObject({ create: 0, update: 1, unchanged: 296 });
    expect(plan.rows.find((r) => r.action === 'update')).toMatchObject({ line: 22, changed: ['district'] });
    const done = await applyImport(app.db, { ...input(windows1252Csv(VOLUNTEER_HEADINGS, changed)), actor: actor(), skipInvalid: true });
    expect(done.ok).toBe(true);
    const district = async (phone: string) => (await app.db.query<{ district: string }>(`SELECT v.district FROM volunteers v JOIN members m ON m.id = v.member_id WHERE m.phone = $1`, [phone]))[0]!.district;
    expect(await district(phone20)).toBe('Vang');
    expect(await district(phone21)).toBe('Hamar sentrum');
    const [entry] = await app.db.query<{ fields: string[] }>(`SELECT fields FROM audit_log WHERE action = 'import.update' ORDER BY id DESC LIMIT 1`);
    expect(entry!.fields).toEqual(['district']);
  });

  it('never touches a volunteer of another centre with the same phone', async () => {
    await ensureCentre(app.db, { id: 'stange', name: 'Stange frivilligsentral', requireApproval: true });
    const m = await app.db.query<{ id: string }>(`INSERT INTO members (role, name, phone) VALUES ('volunteer', 'Sigrid Stange', '98765432') RETURNING id`);
    await app.db.query(`INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort) VALUES ($1, 'approved', 'Stange', '{}', '{nb}', '[]', 2, 'any')`, [m[0]!.id]);
    await app.db.query(`INSERT INTO volunteer_centres (member_id, centre_id) VALUES ($1, 'stange')`, [m[0]!.id]);
    const file = utf8Csv(VOLUNTEER_HEADINGS, [['Sigrid Annet Navn', '+47 987 65 432', '', '2340', 'Stange', '', '', '', '', '']]);
    const plan = await planImport(app.db, input(file));
    expect(plan.rows[0]).toMatchObject({ action: 'skip', problems: [{ code: 'other_centre', field: 'phone' }] });
    const [still] = await app.db.query<{ name: string }>(`SELECT name FROM members WHERE id = $1`, [m[0]!.id]);
    expect(still!.name).toBe('Sigrid Stange');
  });

  it('refuses a file without a name column, saying which', async () => {
    const plan = await planImport(app.db, input(utf8Csv(['Telefon', 'Bydel'], [['91234567', 'Vang']])));
    expect(importReport('nb', plan, { consentValidityMonths: 12, maxRows: 5000 }).fileProblems).toEqual([
      'Kolonnen «navn» mangler. Bruk malen, eller gi kolonnen et av navnene i veiledningen.',
    ]);
  });
});

describe('importing people helped', () => {
  const HEADINGS = ['Fornavn', 'Etternavn', 'Adresse', 'Postnummer', 'Poststed', 'Telefon', 'Bydel', 'Samtykke', 'Samtykke dato', 'Relasjon', 'Merknad'];
  const today = osloDate(new Date());
  const people = [
    ['Ragnhild', 'Ødegård', 'Storgata 3', '2317', 'Hamar', '62 51 11 11', 'Sentrum', 'selv', today, '', 'Liker kaffe'],
    ['Håkon', 'Bråten', 'Vangsvegen 9', '2318', 'Hamar', '62 51 22 22', 'Vang', 'pårørende', today, 'datter', ''],
    ['Kjærsti', 'Løkken', 'Ridabuvegen 1', '2322', 'Ridabu', '62 51 33 33', 'Ridabu', '', '', '', ''],
    ['Pål', 'Strøm', 'Furuvegen 2', '2320', 'Furnes', '62 51 44 44', 'Ingeberg', 'pårørende', today, '', ''],
  ];

  it('reports a relative’s consent without relation as an error, and a person without consent as waiting', async () => {
    const plan = await planImport(app.db, input(windows1252Csv(HEADINGS, people), 'persons'));
    expect(plan.counts).toMatchObject({ create: 3, skip: 1 });
    const report = importReport('nb', plan, { consentValidityMonths: 12, maxRows: 5000 });
    expect(report.lines).toEqual([
      expect.objectContaining({ line: 4, column: 'samtykke', error: false, outcome: expect.stringContaining('venter på samtykke') }),
      expect.objectContaining({ line: 5, column: 'relasjon', error: true }),
    ]);
  });

  it('imports them with their consent, or waiting for it: no request for a waiting person goes out until staff record consent', async () => {
    const done = await applyImport(app.db, { ...input(windows1252Csv(HEADINGS, people), 'persons'), actor: actor(), skipInvalid: true });
    expect(done.ok).toBe(true);
    const persons = await app.db.query<{ id: string; name: string; address: string; phone: string; consents: number }>(
      `SELECT p.id, p.name, p.address, p.phone, (SELECT count(*)::int FROM consents c WHERE c.person_id = p.id) AS consents
         FROM persons p WHERE p.import_id IS NOT NULL AND p.centre_id = $1 ORDER BY p.name`,
      [CENTRE],
    );
    expect(persons.map((p) => [p.name, p.address, p.phone, p.consents])).toEqual([
      ['Håkon Bråten', 'Vangsvegen 9, 2318 Hamar', '62512222', 1],
      ['Kjærsti Løkken', 'Ridabuvegen 1, 2322 Ridabu', '62513333', 0],
      ['Ragnhild Ødegård', 'Storgata 3, 2317 Hamar', '62511111', 1],
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import.create' AND person_id IS NOT NULL`)).toBe(3);

    const waiting = persons.find((p) => p.name === 'Kjærsti Løkken')!;
    const result = await postRequest(app.db, {
      centreId: CENTRE, createdBy: coordinatorId, source: 'chat', now: new Date(), matching: matchingSettings(app.config),
      fields: {
        personId: waiting.id, group: 'handlehjelp', date: osloDate(addDays(new Date(), 3)), time: '11:00', durationMinutes: 60, flexibleUntilTime: null,
        district: 'Ridabu', meetingPlace: null, summary: 'Handle', handoverNote: null, contactName: null, contactPhone: null, language: null,
        policeCertificate: false, firstTimeFriendly: false, staffAlong: false, urgent: false,
      },
    });
    expect(result).toMatchObject({ ok: true, status: 'waiting_consent', heldFor: 'consent', offered: 0 });
    if (result.ok) expect(await count(`SELECT count(*)::int AS n FROM offers WHERE request_id = $1`, [result.requestId])).toBe(0);
  });

  it('re-running the file changes nothing', async () => {
    const plan = await planImport(app.db, input(utf8Csv(HEADINGS, people), 'persons'));
    expect(plan.counts).toMatchObject({ create: 0, update: 0, unchanged: 3, skip: 1 });
  });
});

describe('the coordinator’s upload in the tab', () => {
  const token = (userId: string) => issueDirectLineToken({ sub: userId, name: userId, exp: Math.floor(Date.now() / 1000) + 600 }, DEV_SECRET);
  const upload = (userId: string, bytes: Buffer, query: string) =>
    fetch(`${app.url}/api/tab/import?${query}`, { method: 'POST', headers: { authorization: `Bearer ${token(userId)}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });

  it('gives the dry run as a report in Norwegian, the file read byte for byte', async () => {
    const fresh = volunteerRows(3, { offset: 1000 });
    const res = await upload('demo-ansatt-1', windows1252Csv(VOLUNTEER_HEADINGS, fresh), 'kind=volunteers&apply=false');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ applied: false, counts: { create: 3, skip: 0 }, message: 'Dette er en prøvekjøring. Ingenting er lagret ennå.' });
    expect(body.report.rows.map((r: { name: string }) => r.name)).toEqual(fresh.map((r) => r[0]));
    const applied = await (await upload('demo-ansatt-1', windows1252Csv(VOLUNTEER_HEADINGS, fresh), 'kind=volunteers&apply=true')).json();
    expect(applied).toMatchObject({ applied: true, counts: { create: 3 }, message: 'Importert: 3 lagt til, 0 oppdatert, 0 uendret, 0 ikke importert.' });
    expect(applied.createdVolunteerIds).toHaveLength(3);
  });

  it('is the coordinator’s: other staff are refused, and so is a body that is not the file’s bytes', async () => {
    expect((await upload('demo-ansatt-2', utf8, 'kind=volunteers')).status).toBe(403);
    const asJson = await fetch(`${app.url}/api/tab/import?kind=volunteers`, { method: 'POST', headers: { authorization: `Bearer ${token('demo-ansatt-1')}`, 'content-type': 'application/json' }, body: '{}' });
    expect(asJson.status).toBe(415);
  });

  it('offers the template as a CSV file Excel opens', async () => {
    const res = await fetch(`${app.url}/api/tab/import/template?kind=volunteers`, { headers: { authorization: `Bearer ${token('demo-ansatt-1')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="import-frivillige.csv"');
    expect(await res.text()).toBe(templateCsv('volunteers').replace(/^\uFEFF/, ''));
  });
});
