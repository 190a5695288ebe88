// The case-system API over real HTTP, Redis and a real database: only known systems get in, a bad
// post stores nothing (not even the person), a good one goes out to volunteers redacted, and the
// status a system reads back carries no personal data and only ever its own requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, subMonths } from 'date-fns';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { helpRequestFields, personFields } from '../../adaptive-cards/actions.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { osloDate } from '../../domain/time-zone.ts';

const TOKEN_A = 'fagsystem-token-0123456789abcdefghijklmnop';
const TOKEN_B = 'annet-system-token-zyxwvutsrqponmlkjihgfedcba';
/** A system that may post for the neighbouring centre only. */
const TOKEN_C = 'stange-system-token-0123456789abcdefghij';
const TABLES = ['help_requests', 'persons', 'consents', 'offers', 'members', 'chat_identities', 'audit_log', 'outbox'] as const;
const NOTE = 'Nøkkelboksen har kode 4711, ringeklokka virker ikke';

let app: TestApp;
let connector: FakeConnector;
let refSeq = 0;

const tomorrow = () => osloDate(addDays(new Date(), 1));
// Not today: the store dates a consent at noon UTC of its day, which is still ahead in the morning.
const yesterday = () => osloDate(addDays(new Date(), -1));

function personBody(over: Record<string, unknown> = {}) {
  return {
    name: 'Gunnhild Brenna',
    address: 'Torggata 7, 2317 Hamar',
    phone: '62 53 00 11',
    district: 'Sentrum',
    notes: 'Hører dårlig på venstre øre',
    consentBasis: 'self',
    consentDate: yesterday(),
    ...over,
  };
}

function requestBody(over: Record<string, unknown> = {}) {
  return {
    group: 'besoksvenn',
    date: tomorrow(),
    time: '14:00',
    durationMinutes: 90,
    district: 'Sentrum',
    meetingPlace: 'Hjemme hos Gunnhild',
    summary: 'Besøk og en kopp kaffe',
    handoverNote: NOTE,
    contactName: 'Ola Hansen',
    contactPhone: '479 00 101',
    policeCertificate: false,
    firstTimeFriendly: true,
    staffAlong: false,
    urgent: false,
    ...over,
  };
}

function body(over: { person?: Record<string, unknown>; request?: Record<string, unknown> } & Record<string, unknown> = {}) {
  const { person, request, ...rest } = over;
  return { centreId: 'hamar', externalRef: `sak-2026-${++refSeq}`, person: personBody(person), request: requestBody(request), ...rest };
}

async function post(
  payload: unknown,
  opts: { token?: string | null; lang?: string; headers?: Record<string, string>; raw?: string | Uint8Array<ArrayBuffer> } = {},
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const token = opts.token === undefined ? TOKEN_A : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.lang) headers['accept-language'] = opts.lang;
  const res = await fetch(`${app.url}/api/v1/requests`, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(payload) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted by the caller
  }
  return { status: res.status, json, text, headers: res.headers };
}

async function get(id: string, token: string | null = TOKEN_A): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${app.url}/api/v1/requests/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

async function counts(): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const t of TABLES) out[t] = (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n;
  return out;
}

/** Runs `fn` and checks it left every table as it was. */
async function storesNothing<T>(fn: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await fn();
  expect(await counts()).toEqual(before);
  return result;
}

const offersOf = (requestId: string) =>
  app.db.query<{ volunteer_id: string; undeliverable: boolean }>('SELECT volunteer_id, undeliverable FROM offers WHERE request_id = $1', [requestId]);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({
    neighbourCentre: true,
    env: {
      API_TOKENS: `fagsystem@hamar:${TOKEN_A},annet@hamar:${TOKEN_B},stangesys@stange:${TOKEN_C}`,
      // Equal start and end: no quiet hours, so offers go out whenever the suite runs.
      QUIET_HOURS_START: '00:00',
      QUIET_HOURS_END: '00:00',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('authentication', () => {
  it('refuses a post without a token, with a wrong token or another scheme, and stores nothing', async () => {
    await storesNothing(async () => {
      for (const token of [null, 'not-a-token-not-a-token-not-a-token', TOKEN_A.slice(0, -1), `${TOKEN_A}x`]) {
        const r = await post(body(), { token });
        expect(r.status, String(token)).toBe(401);
        expect(r.json).toEqual({ error: 'unauthorized' });
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      const basic = await post(body(), { token: null, headers: { authorization: `Basic ${TOKEN_A}` } });
      expect(basic.status).toBe(401);
    });
  });

  it('refuses before reading the body: no token and broken JSON is still 401', async () => {
    const r = await post(null, { token: null, raw: '{"centreId": ' });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'unauthorized' });
  });

  it('accepts the scheme in any case', async () => {
    const r = await post({}, { token: null, headers: { authorization: `bearer ${TOKEN_A}` } });
    expect(r.status).toBe(400);
  });

  it('refuses a status read without a valid token', async () => {
    expect((await get(randomUUID(), null)).status).toBe(401);
    expect((await get(randomUUID(), 'wrong-token-wrong-token-wrong-token')).status).toBe(401);
  });
});

describe('validation: nothing is stored', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const r = await storesNothing(() => post(null, { raw: '{"centreId": "hamar", "person": {' }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid_json' });
  });

  it('answers a body that is not a JSON object with 400', async () => {
    for (const raw of ['[]', '"hei"', 'null', '42']) {
      const r = await storesNothing(() => post(null, { raw }));
      expect(r.status, raw).toBe(400);
      expect(r.json.error, raw).toMatch(/^invalid_(body|json)$/);
    }
  });

  it('refuses content that is not JSON, and compressed bodies, with 415', async () => {
    const plain = await storesNothing(() => post(null, { raw: JSON.stringify(body()), headers: { 'content-type': 'text/plain' } }));
    expect(plain.status).toBe(415);
    expect(plain.json).toEqual({ error: 'unsupported_media_type' });
    const form = await storesNothing(() => post(null, { raw: 'centreId=hamar', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(form.status).toBe(415);
    const gz = await storesNothing(() => post(null, { raw: new Uint8Array(gzipSync(JSON.stringify(body()))), headers: { 'content-encoding': 'gzip' } }));
    expect(gz.status).toBe(415);
  });

  it('names every missing field, in Norwegian by default', async () => {
    const r = await storesNothing(() => post({}));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-language')).toBe('nb');
    expect(r.json).toEqual({
      error: 'invalid_body',
      errors: { centreId: 'Dette må fylles ut.', person: 'Dette må fylles ut.', request: 'Dette må fylles ut.' },
    });

    const empty = await storesNothing(() => post({ centreId: 'hamar', person: {}, request: {} }));
    expect(empty.status).toBe(400);
    for (const f of ['person.name', 'person.address', 'person.phone', 'person.district', 'person.consentBasis', 'person.consentDate', 'request.group', 'request.date', 'request.time', 'request.district', 'request.summary']) {
      expect(empty.json.errors[f], f).toBeTypeOf('string');
    }
    expect(empty.json.errors['person.name']).toBe('Dette må fylles ut.');
    expect(empty.json.errors['person.consentBasis']).toBe('Velg hvordan samtykket er gitt.');
  });

  const wrongTypes = () =>
    body({
      person: { name: 42, phone: 'ring meg', consentBasis: 'kanskje', consentDate: '24.12.2025' },
      request: { durationMinutes: 'lenge', time: '25:00', date: [2026, 1, 1] },
    });

  it('gives field errors for wrong types and formats in Norwegian', async () => {
    const r = await storesNothing(() => post(wrongTypes()));
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_body');
    expect(r.json.errors).toMatchObject({
      'person.name': 'Dette må fylles ut.',
      'person.phone': 'Skriv et telefonnummer med minst 8 siffer, for eksempel 912 34 567.',
      'person.consentBasis': 'Velg hvordan samtykket er gitt.',
      'person.consentDate': 'Velg en gyldig dato.',
      'request.durationMinutes': 'Velg hvor lenge det varer, fra 15 minutter til 12 timer.',
      'request.time': 'Velg et gyldig klokkeslett.',
    });
    expect(r.json.errors['request.date']).toBeTypeOf('string');
  });

  it('gives the same field errors in English with Accept-Language: en', async () => {
    const r = await storesNothing(() => post(wrongTypes(), { lang: 'en-GB,en;q=0.9' }));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-language')).toBe('en');
    expect(r.json.errors).toMatchObject({
      'person.phone': 'Please write a phone number with at least 8 digits, for example 912 34 567.',
      'person.consentBasis': 'Please choose how consent was given.',
      'person.consentDate': 'Please choose a valid date.',
      'request.time': 'Please choose a valid time.',
    });
  });

  it('answers NUL and other control characters in any text field with 400 naming each field, as the chat form does', async () => {
    const bad = t('nb', 'error.invalidCharacters');
    const envelope = await storesNothing(() => post(body({ centreId: 'hamar\u0000', externalRef: 'sak\u0000-1' })));
    expect(envelope.status, envelope.text).toBe(400);
    expect(envelope.json.errors).toEqual({ centreId: bad, externalRef: bad });
    const r = await storesNothing(() =>
      post(body({
        person: { name: 'Gunnhild\u0000 Brenna', address: 'Torggata\u0007 7', notes: 'ok\u001b[31m' },
        request: { summary: 'Besøk\u0000', handoverNote: 'Ring\u0001', meetingPlace: '\u007f', contactName: 'Ola\u0000' },
      })),
    );
    expect(r.status, r.text).toBe(400);
    expect(r.json.error).toBe('invalid_body');
    expect(r.json.errors).toEqual(Object.fromEntries(
      ['person.name', 'person.address', 'person.notes', 'request.summary', 'request.handoverNote', 'request.meetingPlace', 'request.contactName'].map((f) => [f, bad]),
    ));
    // One field alone, and a lone surrogate (which PostgreSQL cannot store either).
    const one = await storesNothing(() => post(body({ request: { summary: 'Besøk \ud800' } })));
    expect(one.status).toBe(400);
    expect(one.json.errors).toEqual({ 'request.summary': bad });
  });

  it('keeps the chat form’s rules: a relative’s consent names the relation, consent is not dated ahead', async () => {
    const proxy = await storesNothing(() => post(body({ person: { consentBasis: 'proxy' } })));
    expect(proxy.status).toBe(400);
    expect(proxy.json.errors).toEqual({ 'person.consentRelation': 'Skriv hvem som samtykker, for eksempel «datter».' });

    const ahead = await storesNothing(() => post(body({ person: { consentDate: osloDate(addDays(new Date(), 2)) } })));
    expect(ahead.status).toBe(400);
    expect(ahead.json.errors).toEqual({ 'person.consentDate': 'Datoen kan ikke være fram i tid.' });

    const group = await storesNothing(() => post(body({ request: { group: 'hagearbeid' } })));
    expect(group.status).toBe(400);
    expect(group.json.errors).toEqual({ 'request.group': 'Velg en type hjelp fra listen.' });
  });

  it('refuses dates that do not exist instead of rolling them into the next month', async () => {
    const r = await storesNothing(() => post(body({ request: { date: '2027-02-30' }, person: { consentDate: '2025-02-29' } })));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual({ 'request.date': 'Velg en gyldig dato.', 'person.consentDate': 'Velg en gyldig dato.' });
  });

  it('refuses an unknown centre', async () => {
    const r = await storesNothing(() => post(body({ centreId: 'lillehammer' })));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid_body', errors: { centreId: 'Vi finner ikke den frivilligsentralen.' } });
    const en = await post(body({ centreId: 'lillehammer' }), { lang: 'en' });
    expect(en.json.errors.centreId).toBe('We cannot find that volunteer centre.');
  });

  it('refuses a time that has passed, without leaving the person behind', async () => {
    const past = await storesNothing(() => post(body({ request: { date: osloDate(addDays(new Date(), -1)) } })));
    expect(past.status).toBe(400);
    expect(past.json).toEqual({ error: 'invalid_body', errors: { 'request.date': 'Tidspunktet har vært. Velg et tidspunkt fram i tid.' } });
    const en = await post(body({ request: { date: osloDate(addDays(new Date(), -1)) } }), { lang: 'en' });
    expect(en.json.errors['request.date']).toBe('That time has passed. Please choose a time in the future.');
  });

  it('refuses "flexible until" before the start, without leaving the person behind', async () => {
    const r = await storesNothing(() => post(body({ request: { time: '14:00', flexibleUntilTime: '13:00' } })));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual({ 'request.flexibleUntilTime': '«Fleksibel til» må være senere enn klokkeslettet.' });
  });

  it('created no member for the case system while every post was refused', async () => {
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'api'`)).toHaveLength(0);
  });
});

describe('posting a request', () => {
  it('registers the person with self-consent, opens the request and offers it to eligible volunteers', async () => {
    const before = await counts();
    const r = await post(body({ person: { name: 'Gunnhild Brenna' } }));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ id: expect.any(String), status: 'open' });
    expect(r.json.offered).toBeGreaterThan(0);
    expect(r.headers.get('location')).toBe(`/api/v1/requests/${r.json.id}`);
    expect(r.text).not.toContain('Gunnhild');

    const after = await counts();
    expect(after.help_requests).toBe(before.help_requests + 1);
    expect(after.persons).toBe(before.persons + 1);
    expect(after.consents).toBe(before.consents + 1);

    const [row] = await app.db.query<{ status: string; source: string; external_ref: string; person_id: string; group_key: string; district: string }>(
      'SELECT status, source, external_ref, person_id, group_key, district FROM help_requests WHERE id = $1',
      [r.json.id],
    );
    expect(row).toMatchObject({ status: 'open', source: 'api', group_key: 'besoksvenn', district: 'Sentrum' });
    const [person] = await app.db.query<{ name: string; phone: string; centre_id: string }>('SELECT name, phone, centre_id FROM persons WHERE id = $1', [row!.person_id]);
    expect(person).toEqual({ name: 'Gunnhild Brenna', phone: '62530011', centre_id: 'hamar' });
    const [consent] = await app.db.query<{ basis: string; relation: string | null }>('SELECT basis, relation FROM consents WHERE person_id = $1', [row!.person_id]);
    expect(consent).toEqual({ basis: 'self', relation: null });

    // The seeded Sentrum volunteers never chatted, so their offers are recorded and marked undeliverable.
    const offers = await offersOf(r.json.id);
    expect(offers.length).toBe(r.json.offered);
    expect(offers.length).toBeGreaterThan(0);
  });

  it('accepts a relative’s consent with the relation, and consent recorded by staff', async () => {
    const proxy = await post(body({ person: { name: 'Harald Nyhus', consentBasis: 'proxy', consentRelation: 'datter' } }));
    expect(proxy.status).toBe(201);
    expect(proxy.json.status).toBe('open');
    const [c1] = await app.db.query<{ basis: string; relation: string }>(
      'SELECT c.basis, c.relation FROM consents c JOIN help_requests r ON r.person_id = c.person_id WHERE r.id = $1',
      [proxy.json.id],
    );
    expect(c1).toEqual({ basis: 'proxy', relation: 'datter' });
    expect((await offersOf(proxy.json.id)).length).toBeGreaterThan(0);

    const staff = await post(body({ person: { name: 'Inga Moe', consentBasis: 'staff_recorded' } }));
    expect(staff.status).toBe(201);
    expect(staff.json.status).toBe('open');
    expect((await offersOf(staff.json.id)).length).toBeGreaterThan(0);
  });

  it('takes string inputs the way a card submits them', async () => {
    const r = await post(body({ request: { durationMinutes: '60', urgent: 'false', firstTimeFriendly: 'true' } }));
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('open');
  });

  it('treats null as "not given" for optional fields, and as missing for required ones', async () => {
    const r = await post(body({ externalRef: null, person: { notes: null, consentRelation: null }, request: { flexibleUntilTime: null, handoverNote: null, language: null } }));
    expect(r.status).toBe(201);
    const missing = await storesNothing(() => post(body({ person: { name: null } })));
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual({ 'person.name': 'Dette må fylles ut.' });
  });

  it('holds a request whose consent has expired: waiting_consent, no offers', async () => {
    const before = await counts();
    const r = await post(body({ person: { name: 'Trygve Kvam', consentDate: osloDate(subMonths(new Date(), 13)) } }));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: 'waiting_consent', offered: 0 });
    expect(await offersOf(r.json.id)).toHaveLength(0);
    expect((await counts()).offers).toBe(before.offers);
  });

  it('sends volunteers who can be reached a redacted offer: no name, address, phone or note', async () => {
    const chat = chatDriver(app, connector);
    const reachable = Array.from({ length: 4 }, (_, i) => demoVolunteerId(i));
    for (const v of reachable) await chat.say(v, 'hei');
    const secret = { name: 'Sigrun Østby', address: 'Parkgata 19, 2317 Hamar', phone: '62 59 87 65' };
    const offerCards = (c: Captured[]) => c.filter((x) => x.method === 'POST' && cardActions(x.activity).some((d) => d.action === 'offer.accept'));
    const before = offerCards(connector.captured).length;

    const r = await post(body({ person: secret, request: { meetingPlace: 'Parkgata 19, inngang B', contactName: 'Ola Hansen', contactPhone: '47900101' } }));
    expect(r.status).toBe(201);
    await connector.waitFor((c) => offerCards(c).length >= before + reachable.length);

    const fresh = offerCards(connector.captured).slice(before);
    expect(new Set(fresh.map((c) => c.conversationId))).toEqual(new Set(reachable.map((v) => `conv-${v}`)));
    for (const c of fresh) {
      const text = visibleText(c.activity);
      for (const s of [secret.name, 'Østby', secret.address, 'Parkgata', '62598765', '62 59 87 65', NOTE, '4711', 'Ola Hansen', '47900101']) {
        expect(text, `${c.conversationId} leaked ${s}`).not.toContain(s);
      }
    }
  });
});

describe('reading a request back', () => {
  let id: string;
  const secret = { name: 'Reidun Framstad', address: 'Skolegata 3, 2318 Hamar', phone: '90 12 34 56', notes: 'Har hund' };

  beforeAll(async () => {
    const r = await post(body({ person: secret }));
    expect(r.status).toBe(201);
    id = r.json.id;
  });

  it('gives the posting system the status and public facts, and no personal data', async () => {
    const r = await get(id);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id, status: 'open', centreId: 'hamar', group: 'besoksvenn', district: 'Sentrum', durationMinutes: 90, series: null });
    expect(new Date(r.json.startsAt).toISOString()).toBe(r.json.startsAt);
    for (const s of [secret.name, 'Reidun', 'Framstad', secret.address, 'Skolegata', '90123456', secret.phone, secret.notes, NOTE, '4711', 'Ola Hansen', '47900101', 'Hjemme hos']) {
      // (Without its own id: a random uuid may hold «4711» by chance.)
      expect(r.text.replaceAll(id, ''), `GET leaked ${s}`).not.toContain(s);
    }
    expect(Object.keys(r.json)).not.toEqual(expect.arrayContaining(['personId']));
    expect(r.json).not.toHaveProperty('personId');
    expect(r.json).not.toHaveProperty('summary');
  });

  it('answers another system with 404, as if the request did not exist', async () => {
    const r = await get(id, TOKEN_B);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'not_found' });
  });

  it('answers 404 for a malformed id, an unknown id and a request posted in chat', async () => {
    for (const bad of ['not-a-uuid', '1', `${id}x`, randomUUID()]) {
      const r = await get(bad);
      expect(r.status, bad).toBe(404);
      expect(r.json).toEqual({ error: 'not_found' });
    }
    // The seeded data has no requests; a chat-made one is created directly by its owner's member id.
    const staff = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = 'demo-ansatt-1'`);
    const [chatMade] = await app.db.query<{ id: string }>(
      `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, created_by, status)
       VALUES ('hamar', 'besoksvenn', 'Sentrum', now() + interval '2 days', 60, 'Tur', $1, 'open') RETURNING id`,
      [staff[0]!.member_id],
    );
    expect((await get(chatMade!.id)).status).toBe(404);
  });
});

describe('the same externalRef twice', () => {
  it('refuses the second with 409 and the first one’s id, and duplicates nothing', async () => {
    const payload = body({ externalRef: 'sak-2026-dobbel' });
    const first = await post(payload);
    expect(first.status).toBe(201);
    const second = await storesNothing(() => post(payload));
    expect(second.status).toBe(409);
    expect(second.json).toEqual({ error: 'duplicate', errors: { externalRef: 'Dette er allerede registrert.' }, id: first.json.id });
    const rows = await app.db.query(`SELECT 1 FROM help_requests WHERE external_ref LIKE '%sak-2026-dobbel'`);
    expect(rows).toHaveLength(1);
  });

  it('still answers 409 when the first request’s time has since passed (a late retry learns its id)', async () => {
    const payload = body({ externalRef: 'sak-2026-sen' });
    const first = await post(payload);
    expect(first.status).toBe(201);
    const late = await storesNothing(() => post({ ...payload, request: { ...payload.request, date: osloDate(addDays(new Date(), -1)) } }));
    expect(late.status).toBe(409);
    expect(late.json.id).toBe(first.json.id);
  });

  it('keeps references per system: another system may use the same one', async () => {
    const payload = body({ externalRef: 'sak-2026-delt' });
    expect((await post(payload)).status).toBe(201);
    expect((await post(payload, { token: TOKEN_B })).status).toBe(201);
  });

  it('lets exactly one of several simultaneous posts with one reference through', async () => {
    const before = await counts();
    const payload = body({ externalRef: 'sak-2026-samtidig' });
    const results = await Promise.all(Array.from({ length: 6 }, () => post(payload)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.json.id).toBe(created[0]!.json.id);
    }
    const after = await counts();
    expect(after.help_requests).toBe(before.help_requests + 1);
    expect(after.persons).toBe(before.persons + 1);
    expect(after.consents).toBe(before.consents + 1);
  });
});

describe('limits and failures', () => {
  it('answers a body over 256 KB with 413, no stack trace, nothing stored', async () => {
    const huge = body({ request: { summary: 'x'.repeat(300 * 1024) } });
    const r = await storesNothing(() => post(huge));
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'payload_too_large' });
    expect(r.text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers an over-long field within the size limit with 400', async () => {
    const r = await storesNothing(() => post(body({ request: { summary: 'x'.repeat(301) } })));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual({ 'request.summary': 'Teksten er for lang. Gjør den litt kortere.' });
  });

  it('answers unknown routes and methods under /api/v1 in the same format', async () => {
    const auth = { authorization: `Bearer ${TOKEN_A}` };
    const nope = await fetch(`${app.url}/api/v1/nope`, { headers: auth });
    expect(nope.status).toBe(404);
    expect(await nope.json()).toEqual({ error: 'not_found' });
    const put = await fetch(`${app.url}/api/v1/requests/${randomUUID()}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
    expect(await put.json()).toEqual({ error: 'method_not_allowed' });
    // Without a token, even an unknown route says only "unauthorized".
    expect((await fetch(`${app.url}/api/v1/nope`)).status).toBe(401);
  });

  it('turns an unexpected failure into a bare 500 {error:"internal"}', async () => {
    const original = app.db.transaction;
    app.db.transaction = async () => {
      throw Object.assign(new Error('connection reset while writing Reidun Framstad'), { code: '08006', detail: 'Failing row contains (Reidun Framstad, Skolegata 3)' });
    };
    try {
      const r = await storesNothing(() => post(body()));
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: 'internal' });
      expect(r.text).not.toContain('Reidun');
    } finally {
      app.db.transaction = original;
    }
  });
});

describe('docs/api.md', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const openapi = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  /** The lines of one schema under components.schemas, up to the next schema. */
  const schema = (name: string) => new RegExp(`\\n    ${name}:\\n([\\s\\S]*?)(?=\\n    [A-Za-z]+:\\n|$)`).exec(openapi)?.[1] ?? '';
  const properties = (name: string) => [...schema(name).matchAll(/^ {8}([A-Za-z]+):$/gm)].map((m) => m[1]);
  const required = (name: string) => (/^ {6}required: \[(.*)\]$/m.exec(schema(name))?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const requiredIn = (shape: Record<string, { safeParse(v: unknown): { success: boolean } }>) =>
    Object.entries(shape).filter(([, field]) => !field.safeParse(undefined).success).map(([key]) => key);

  it('describes every field of the chat form’s schemas, and marks the same ones required', () => {
    expect(openapi).toMatch(/^openapi: 3\.1\.\d/);
    expect(properties('Person').sort()).toEqual(Object.keys(personFields.shape).sort());
    expect(required('Person').sort()).toEqual(requiredIn(personFields.shape).sort());
    const requestShape = helpRequestFields.omit({ personId: true }).shape;
    expect(properties('HelpRequest').sort()).toEqual(Object.keys(requestShape).sort());
    expect(required('HelpRequest').sort()).toEqual(requiredIn(requestShape).sort());
  });

  it('lists exactly the fields GET returns, and every error code the API sends', async () => {
    const r = await post(body());
    const read = await get(r.json.id);
    expect(required('RequestStatus').sort()).toEqual(Object.keys(read.json).sort());
    expect(properties('RequestStatus').sort()).toEqual(Object.keys(read.json).sort());
    expect(required('Created').sort()).toEqual(Object.keys(r.json).sort());
    const source = readFileSync(new URL('../../bot/api.ts', import.meta.url), 'utf8');
    const codes = new Set([...source.matchAll(/error: '([a-z_]+)'|\[\d{3}, '([a-z_]+)'\]|'(invalid_body|duplicate)'/g)].map((m) => m[1] ?? m[2] ?? m[3]));
    const documented = /^ {10}enum: \[(.*)\]$/m.exec(schema('Error'))?.[1]?.split(',').map((s) => s.trim()) ?? [];
    expect(codes.size).toBeGreaterThan(5);
    for (const code of codes) expect(documented, code).toContain(code);
  });
});

describe('a series posted by a case system', () => {
  const weekday = () => osloDate(addDays(new Date(), 3));
  const seriesOffersOf = async (seriesId: string) => (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM series_offers WHERE series_id = $1', [seriesId]))[0]!.n;

  it('stores one request per visit, offers the series whole, and each visit reads back with GET', async () => {
    const payload = body({ request: { date: weekday(), time: '10:00' }, recurrence: { everyWeeks: 1, visitCount: 4 } });
    const r = await post(payload);
    expect(r.status).toBe(201);
    expect(r.json.visits).toHaveLength(4);
    expect(r.json.id).toBe(r.json.visits[0].id);
    expect(r.headers.get('location')).toBe(`/api/v1/requests/${r.json.id}`);
    expect(r.json.status).toBe('open');
    expect(r.json.offered).toBeGreaterThan(0);
    expect(await seriesOffersOf(r.json.seriesId)).toBe(r.json.offered);
    // A week apart by the Oslo calendar, same wall-clock time.
    for (let i = 1; i < 4; i++) expect(osloDate(new Date(r.json.visits[i].startsAt))).toBe(osloDate(addDays(new Date(r.json.visits[0].startsAt), 7 * i)));
    for (const [i, v] of r.json.visits.entries()) {
      const read = await get(v.id);
      expect(read.status).toBe(200);
      expect(read.json.startsAt).toBe(v.startsAt);
      expect(read.json.series).toEqual({ id: r.json.seriesId, visit: i + 1 });
      expect(read.text).not.toContain('Gunnhild');
    }
    // While the series is offered whole, no visit goes out on its own.
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM offers WHERE request_id = ANY($1::uuid[])', [r.json.visits.map((v: { id: string }) => v.id)]))[0]!.n).toBe(0);
    // A retry with the same reference gets the first visit back, and stores nothing.
    const again = await storesNothing(() => post(payload));
    expect(again.status).toBe(409);
    expect(again.json.id).toBe(r.json.id);
  });

  it('refuses a rule it cannot use, with the field, and stores nothing', async () => {
    const refused = async (recurrence: unknown) => storesNothing(() => post(body({ request: { date: weekday() }, recurrence })));
    const wrongInterval = await refused({ everyWeeks: 3, visitCount: 4 });
    expect(wrongInterval.status).toBe(400);
    expect(Object.keys(wrongInterval.json.errors)).toEqual(['recurrence.everyWeeks']);
    const noEnd = await refused({ everyWeeks: 2 });
    expect(noEnd.status).toBe(400);
    expect(noEnd.json.errors['recurrence.untilDate']).toContain('siste besøk');
    const both = await refused({ everyWeeks: 1, visitCount: 3, untilDate: osloDate(addDays(new Date(), 40)) });
    expect(Object.keys(both.json.errors)).toEqual(['recurrence.untilDate']);
    const tooMany = await refused({ everyWeeks: 1, visitCount: 53 });
    expect(Object.keys(tooMany.json.errors)).toEqual(['recurrence.visitCount']);
    const notAnObject = await refused('every week');
    expect(Object.keys(notAnObject.json.errors)).toEqual(['recurrence']);
  });

  it('is described in the OpenAPI document', () => {
    const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const openapi = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const recurrence = /\n {4}Recurrence:\n([\s\S]*?)(?=\n {4}[A-Za-z]+:\n|$)/.exec(openapi)?.[1] ?? '';
    expect([...recurrence.matchAll(/^ {8}([A-Za-z]+):$/gm)].map((m) => m[1]).sort()).toEqual(['everyWeeks', 'untilDate', 'visitCount']);
    expect(openapi).toContain("$ref: '#/components/schemas/Recurrence'");
  });
});

describe('a token scoped to its centres (API_TOKENS system@centres:token)', () => {
  it('lets a token post only for the centres it is scoped to: another centre gets 403 and nothing is stored', async () => {
    for (const [token, centreId] of [[TOKEN_A, 'stange'], [TOKEN_C, 'hamar']] as const) {
      const r = await storesNothing(() => post(body({ centreId }), { token }));
      expect(r.status, `${centreId}`).toBe(403);
      expect(r.json).toEqual({ error: 'forbidden' });
    }
    const ok = await post(body({ centreId: 'stange', externalRef: 'scoped-1', request: { district: 'Tangen' } }), { token: TOKEN_C });
    expect(ok.status).toBe(201);
    expect((await get(ok.json.id, TOKEN_C)).status).toBe(200);
    expect((await get(ok.json.id, TOKEN_A)).status).toBe(404);
  });
});
