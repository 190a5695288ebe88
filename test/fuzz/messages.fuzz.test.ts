// Hostile input at POST /api/messages, against the real server, Redis and database: whatever arrives,
// no 5xx (bar the protocol's 501 for an invoke the bot doesn't implement), no stack trace or internal
// text in a body or a chat message, nothing stored; and every user turn the server accepts gets an
// answer a person can act on.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardAction, volunteerSignupFields } from '../../adaptive-cards/actions.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { hasAction } from '../support/chat.ts';
import {
  check,
  chatText,
  INJECTION,
  INTERNAL_IN_REPLY,
  leaksIn,
  ownObject,
  pollutingObject,
  PROTOTYPE_WORDS,
  prototypeKeys,
  snapshot,
  storableString,
  anyCodeUnit,
  setPath,
  type Snapshot,
} from './support.ts';

let app: TestApp;
let connector: FakeConnector;
let baseline: Snapshot;
let prototypeBaseline: string[];
/** Real member ids, used where another table's id belongs: uuid-shaped, existing, and wrong. */
let memberIds: string[];

beforeAll(async () => {
  connector = await startFakeConnector();
  // No workers: nothing here may enqueue work, and the database check would see it anyway.
  app = await startTestApp({ workers: false });
  baseline = await snapshot(app.db);
  prototypeBaseline = prototypeKeys();
  memberIds = (await app.db.query<{ id: string }>('SELECT id FROM members ORDER BY id LIMIT 20')).map((r) => r.id);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

const UNEXPECTED = [t('nb', 'error.unexpected'), t('en', 'error.unexpected')];
const RUNS = { bodies: 100, turns: 80 };

let conversations = 0;
const nextConversation = () => `fuzz-msg-${++conversations}`;

// ---------------------------------------------------------------------------------------------
// Who speaks

const volunteer = fc.integer({ min: 1, max: 60 }).map((n) => `demo-frivillig-${String(n).padStart(2, '0')}`);
const staff = fc.constantFrom('demo-ansatt-1', 'demo-ansatt-2', 'demo-ansatt-3');
const stranger = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{4,12}$/).map((h) => `stranger-${h}`),
  fc.constantFrom('demo-parorende-1', 'demo-ny-1', ...INJECTION.filter((s) => s.trim() !== '')),
  storableString(40).filter((s) => s.length > 0),
);
const anyone = fc.oneof(volunteer, staff, stranger);
/** Someone who may sign up: not yet known, or a volunteer editing their profile (caregivers and staff may not). */
const mayJoin = fc.oneof(fc.stringMatching(/^[0-9a-f]{4,12}$/).map((h) => `stranger-${h}`), volunteer);
const locale = fc.oneof(fc.constantFrom('nb-NO', 'en-US', 'en', 'nb', 'nn-NO', 'EN-gb', 'se', 'xx-YY', ''), storableString(12), fc.constant(undefined));

function activity(o: { userId: string; conversationId: string; locale?: string | undefined; text?: unknown; value?: unknown; replyToId?: string; invoke?: boolean }) {
  return ownObject([
    ['type', o.invoke ? 'invoke' : 'message'],
    ['name', o.invoke ? 'adaptiveCard/action' : undefined],
    ['id', `in-${o.conversationId}`],
    ['timestamp', new Date().toISOString()],
    ['channelId', o.invoke ? 'msteams' : 'webchat'],
    ['serviceUrl', connector.url],
    ['from', { id: o.userId, name: o.userId, role: 'user' }],
    ['recipient', { id: 'dugnad-bot', name: 'Dugnad', role: 'bot' }],
    ['conversation', { id: o.conversationId }],
    ['locale', o.locale],
    ['text', o.text],
    ['value', o.value],
    ['replyToId', o.replyToId],
  ]);
}

// ---------------------------------------------------------------------------------------------
// The checks every property shares

interface Outcome {
  status: number;
  body: string;
  replies: Captured[];
}

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Outcome> {
  const before = connector.captured.length;
  const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), replies: connector.captured.slice(before) };
}

/**
 * An invoke the bot has no handler for is answered 501 by CloudAdapter, as the Bot Framework protocol
 * says (Teams then shows its own error). Only that, with an empty body, is an allowed 5xx.
 */
function notImplementedInvoke(outcome: Outcome, sent: string): boolean {
  if (outcome.status !== 501 || outcome.body !== '') return false;
  const a = JSON.parse(sent) as { type?: unknown; name?: unknown };
  return a.type === 'invoke' && typeof a.name === 'string' && a.name !== 'adaptiveCard/action';
}

function expectNoLeak(outcome: Outcome, sent: string): void {
  if (!notImplementedInvoke(outcome, sent)) expect(outcome.status, outcome.body).toBeLessThan(500);
  expect(leaksIn(outcome.body, sent), outcome.body).toEqual([]);
  for (const reply of outcome.replies) {
    const text = visibleText(reply.activity);
    const match = INTERNAL_IN_REPLY.exec(text);
    if (match && !sent.includes(match[0])) expect.fail(`reply shows internal text "${match[0]}": ${text.slice(0, 300)}`);
  }
}

async function expectNothingChanged(): Promise<void> {
  expect(await snapshot(app.db)).toEqual(baseline);
  expect(prototypeKeys()).toEqual(prototypeBaseline);
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
}

/** The invoke response's card, when the answer came back in the HTTP body (Teams). */
function invokeCard(outcome: Outcome): Record<string, unknown> | null {
  try {
    const body = JSON.parse(outcome.body) as { type?: string; value?: Record<string, unknown> };
    return body.type === 'application/vnd.microsoft.card.adaptive' && body.value ? body.value : null;
  } catch {
    return null;
  }
}

/** A user turn the server took: answered, kindly, with nothing stored. */
async function expectKindAnswer(outcome: Outcome, sent: string): Promise<void> {
  expect(outcome.status, outcome.body).toBe(200);
  expectNoLeak(outcome, sent);
  const card = invokeCard(outcome);
  expect(outcome.replies.length > 0 || card !== null, 'the bot answered nothing').toBe(true);
  const texts = [...outcome.replies.map((r) => visibleText(r.activity)), card ? visibleText({ attachments: [card] }) : ''];
  for (const text of texts) {
    for (const sorry of UNEXPECTED) expect(text, 'a hostile turn ended in "something went wrong"').not.toContain(sorry);
  }
  await expectNothingChanged();
}

// ---------------------------------------------------------------------------------------------

describe('POST /api/messages: malformed bodies', () => {
  it('answers arbitrary JSON values with a 4xx and no internals', async () => {
    const body = fc.oneof(
      fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }).map((v) => JSON.stringify(v) ?? ''),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.json({ maxDepth: 4 }),
      pollutingObject.map((v) => JSON.stringify(v)),
    );
    await check('arbitrary JSON', body, async (text) => {
      const outcome = await post(text);
      expectNoLeak(outcome, text);
      expect(outcome.status).toBeGreaterThanOrEqual(400);
      await expectNothingChanged();
    }, RUNS.bodies, ['{}', '{"type":1}', '{"type":"message"}', 'null', '[]']);
  });

  it('answers raw strings and bytes under any content type without a 5xx', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/vnd.api+json',
        'text/plain',
        'text/html',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=XX',
        'multipart/form-data',
        'application/octet-stream',
        'application/xml',
        ';;;',
        '',
      ),
      fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    const valid = JSON.stringify(activity({ userId: 'demo-frivillig-01', conversationId: 'fuzz-raw', text: 'hei' }));
    const payload = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: anyCodeUnit, maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc.string({ minLength: 1, maxLength: 5 }).map((junk) => valid + junk),
      fc.constantFrom('type=message&text=hi&from[id]=demo-ansatt-1', '--XX\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\nAAAA\r\n--XX--\r\n'),
    );
    await check('raw bodies', fc.tuple(payload, contentType), async ([text, type]) => {
      const outcome = await post(text, type === '' ? {} : { 'content-type': type });
      expectNoLeak(outcome, text);
      await expectNothingChanged();
    }, RUNS.bodies);
  });

  it('refuses an activity with one field of its envelope broken, or answers it', async () => {
    const fields = [
      'type', 'id', 'channelId', 'serviceUrl', 'from', 'from.id', 'from.name', 'from.aadObjectId', 'from.role', 'recipient', 'recipient.id',
      'conversation', 'conversation.id', 'conversation.tenantId', 'conversation.isGroup', 'locale', 'text', 'value', 'replyToId', 'name',
      'membersAdded', 'channelData', 'channelData.tenant', 'channelData.tenant.id', 'timestamp', 'localTimestamp', 'entities', 'attachments',
    ];
    const junk = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.constantFrom(...INJECTION, ...PROTOTYPE_WORDS, '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(5000), -0, Number.MAX_SAFE_INTEGER, [], {}),
      pollutingObject,
      fc.constant(undefined),
    // The bot posts replies to any serviceUrl it is given; a real URL here would send them off the machine.
    ).filter((v) => !(typeof v === 'string' && URL.canParse(v) && /^https?:/i.test(v)));
    const base = fc.record({ user: anyone, invoke: fc.boolean(), type: fc.constantFrom('message', 'conversationUpdate', 'invoke') });
    await check('envelope mutations', fc.tuple(base, fc.constantFrom(...fields), junk), async ([b, path, value]) => {
      const a = activity({ userId: b.user, conversationId: nextConversation(), text: 'hei', invoke: b.invoke });
      a.type = b.invoke ? 'invoke' : b.type;
      if (a.type === 'conversationUpdate') a.membersAdded = [{ id: b.user }];
      setPath(a, path, value);
      const text = JSON.stringify(a);
      const outcome = await post(text);
      expectNoLeak(outcome, text);
      if (outcome.status === 200 && a.type === 'message') {
        for (const reply of outcome.replies) for (const sorry of UNEXPECTED) expect(visibleText(reply.activity)).not.toContain(sorry);
      }
      await expectNothingChanged();
    }, RUNS.bodies, [
      // Each of these once ended in a 500 with the exception's message, or a turn that failed.
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'type', undefined],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'locale', 5],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'text', 5],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'entities', ' '],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'from.id', 'a\u0000b'],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'conversation.id', '\ud800'],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'message' }, 'channelId', 5],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'conversationUpdate' }, 'membersAdded', [null]],
      [{ user: 'demo-frivillig-01', invoke: false, type: 'invoke' }, 'localTimestamp', ''],
    ]);
  });

  it('refuses deeply nested and very wide bodies without a 5xx', async () => {
    const valid = activity({ userId: 'demo-frivillig-01', conversationId: 'fuzz-deep', text: 'hei' });
    const json = JSON.stringify(valid).slice(0, -1);
    const bodies = [
      '['.repeat(100_000) + ']'.repeat(100_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      `${json},"value":${'['.repeat(60_000)}${']'.repeat(60_000)}}`,
      `${json},"value":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
      `${json},"channelData":${'{"tenant":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      `${json},"from":{"id":"demo-frivillig-01","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`,
      `{${Array.from({ length: 15_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      `${json},"value":{${Array.from({ length: 15_000 }, (_, i) => `"k${i}":"v"`).join(',')}}}`,
      `${json},"entities":[${Array.from({ length: 6_000 }, () => '{"type":"mention","mentioned":{}}').join(',')}]}`,
      '{"type":"message","type":5}',
    ];
    for (const body of bodies) {
      expect(body.length).toBeLessThan(256 * 1024);
      const outcome = await post(body);
      expectNoLeak(outcome, body);
    }
    await expectNothingChanged();
  });

  it('answers a body over 256 KB with 413 and no internals, with or without a length', async () => {
    const big = JSON.stringify(activity({ userId: 'demo-frivillig-01', conversationId: 'fuzz-big', text: 'x'.repeat(300 * 1024) }));
    const sized = await post(big);
    expect(sized.status).toBe(413);
    expect(leaksIn(sized.body)).toEqual([]);
    expect(sized.replies).toEqual([]);

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 30; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(10 * 1024)));
        controller.close();
      },
    });
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(leaksIn(await res.text())).toEqual([]);
    await expectNothingChanged();
  });

  it('refuses compressed bodies, which restify would gunzip without limit or error handling', async () => {
    const { gzipSync } = await import('node:zlib');
    const bodies: Array<[string, Buffer]> = [
      ['gzip', Buffer.from('definitely not gzip')],
      ['gzip', gzipSync(Buffer.alloc(20 * 1024 * 1024, 32))],
      ['deflate', Buffer.from('x')],
      ['br', Buffer.from('x')],
      ['identity', Buffer.from('{}')],
    ];
    for (const [encoding, body] of bodies) {
      const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: new Uint8Array(body) });
      expect(res.status).toBe(415);
      expect(leaksIn(await res.text())).toEqual([]);
    }
    // Still serving: a bad gzip body used to kill the process.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * A hostile id: injection, traversal, wrong type, too long, uuid-shaped but unknown, or another
 * table's. Never a real volunteer's id in volunteerId: staff removing a volunteer is allowed.
 */
function hostileId(field: string): fc.Arbitrary<unknown> {
  const otherTables = field === 'volunteerId' ? [] : [fc.constantFrom(...memberIds)];
  return fc.oneof(
    ...otherTables,
    fc.constantFrom(...INJECTION, ...PROTOTYPE_WORDS, 'x'.repeat(65), 'x'.repeat(20_000), '\u0000', 'a\u0000b', '\ud800'),
    fc.uuid(),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.uuid().map((u) => `{${u}}`),
    fc.uuid().map((u) => u.replace(/-/g, '')),
    fc.uuid().map((u) => ` ${u} `),
    fc.uuid().map((u) => `${u}\u0000`),
    fc.uuid().map((u) => `${u}' OR '1'='1`),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: anyCodeUnit, maxLength: 10 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.uuid(), { maxLength: 2 }),
    fc.object({ maxDepth: 2 }),
    pollutingObject,
  );
}

/** Any other parameter of a card action: hostile, or plausible so that only the id is wrong. */
const hostileParam = fc.oneof(
  chatText,
  fc.constantFrom(...INJECTION, '2024-13-45', '9999-99-99', '2024-01-01', '25:99', '0', '1', '14', '366', '1e309', 'Infinity'),
  fc.integer({ min: -10, max: 400 }),
  fc.double(),
  fc.anything({ maxDepth: 2 }),
);

const UUID_FIELDS = new Set(['offerId', 'assignmentId', 'requestId', 'volunteerId', 'personId']);
/** Verbs that only show something. Any other verb without an id would change the sender's own data if it parsed. */
const READ_ONLY = new Set([
  'menu.show', 'volunteer.signup.start', 'declaration.show', 'volunteer.status', 'volunteer.leave', 'volunteer.contribution', 'tasks.mine',
  'staff.person.new', 'staff.requests.list', 'staff.volunteers.list', 'staff.groups.list', 'staff.privacy.persons',
  'caregiver.signup.start', 'caregiver.person.new', 'caregiver.requests.list', 'caregiver.formalRespite',
]);
/** Forms whose random data must never be valid: they are fuzzed in their own property, with a field always broken. */
const FORMS = new Set(['volunteer.signup.submit', 'staff.person.submit', 'staff.request.submit', 'caregiver.person.submit', 'caregiver.request.submit']);

interface VerbShape {
  verb: string;
  keys: string[];
  idKeys: string[];
}

function verbShapes(): VerbShape[] {
  const options = (cardAction as unknown as { options: Array<{ shape: Record<string, { value?: unknown }> }> }).options;
  return options.map((o) => {
    const keys = Object.keys(o.shape).filter((k) => k !== 'action');
    return { verb: String(o.shape.action!.value), keys, idKeys: keys.filter((k) => UUID_FIELDS.has(k)) };
  });
}

/**
 * A valid verb with its ids broken: every verb that names a row, read-only verbs with junk, and
 * verbs with other parameters only when those are broken too (a valid «pause 5 days» would pause).
 */
function brokenCardAction(): fc.Arbitrary<Record<string, unknown>> {
  const shapes = verbShapes().filter((s) => !FORMS.has(s.verb) && (s.idKeys.length > 0 || READ_ONLY.has(s.verb) || s.keys.length > 0));
  const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_WORDS, 'action', 'data', 'verb'), fc.string({ maxLength: 10 })), fc.anything({ maxDepth: 2 })), { maxLength: 3 });
  return fc.constantFrom(...shapes).chain((shape) => {
    const fields = shape.keys.map((k) => fc.option(UUID_FIELDS.has(k) ? hostileId(k) : hostileParam, { nil: undefined }).map((v) => [k, v] as [string, unknown]));
    return fc
      .tuple(fc.tuple(...fields), extra, fc.option(pollutingObject, { nil: undefined }))
      // Junk first, so the verb and its own fields win over junk of the same name.
      .map(([own, junk, polluting]) => ownObject([...junk.filter(([k]) => !UUID_FIELDS.has(k) && k !== 'action'), ...Object.entries(polluting ?? {}), ['action', shape.verb], ...own]))
      .filter((value) => {
        if (shape.idKeys.length > 0 || READ_ONLY.has(shape.verb)) return true;
        return !cardAction.safeParse(value).success;
      });
  });
}

/** Random objects that look more or less like card data, with verbs only where that is harmless. */
const randomCardData = fc.oneof(
  fc.object({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(fc.constantFrom('action', 'verb', 'data', ...PROTOTYPE_WORDS), fc.string({ maxLength: 8 })), fc.anything({ maxDepth: 2 }), { maxKeys: 6 })
    .map((d) => ownObject(Object.entries(d).filter(([k]) => k !== 'action'))),
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...READ_ONLY), fc.constantFrom('MENU.SHOW', ' menu.show', 'menu.show\u0000', 'offer.accept ', 'Volunteer.Leave.Confirm', 'volunteer.leave.confirm\u200b', ...INJECTION, ...PROTOTYPE_WORDS), fc.string({ maxLength: 20 })),
      fc.object({ maxDepth: 2 }),
    )
    .map(([action, rest]) => ownObject([...Object.entries(rest), ['action', action]])),
  pollutingObject,
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
);

function cardTurn(userId: string, value: unknown, via: 'submit' | 'invoke', loc: string | undefined, replyToId?: string) {
  const conversationId = nextConversation();
  if (via === 'submit') return activity({ userId, conversationId, value, locale: loc, ...(replyToId ? { replyToId } : {}) });
  const data = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { junk: value };
  return activity({ userId, conversationId, locale: loc, invoke: true, value: { action: { type: 'Action.Execute', verb: data.action, data } } });
}

describe('POST /api/messages: hostile user turns', () => {
  it('answers any text from anyone, and changes nothing', async () => {
    await check('random text', fc.record({ user: anyone, text: chatText, locale }), async ({ user, text, locale: loc }) => {
      const a = activity({ userId: user, conversationId: nextConversation(), text, locale: loc });
      const sent = JSON.stringify(a);
      await expectKindAnswer(await post(sent), sent);
    }, RUNS.turns, [
      { user: 'demo-frivillig-01', text: '__proto__', locale: undefined },
      { user: 'demo-ansatt-1', text: 'constructor', locale: 'nb-NO' },
    ]);
  });

  it('answers random card data kindly, and changes nothing', async () => {
    const arb = fc.record({ user: anyone, value: randomCardData, via: fc.constantFrom('submit' as const, 'invoke' as const), locale });
    await check('random card data', arb, async ({ user, value, via, locale: loc }) => {
      const sent = JSON.stringify(cardTurn(user, value, via, loc));
      await expectKindAnswer(await post(sent), sent);
    }, RUNS.turns);
  });

  it('answers valid verbs with wrong, missing, oversized or injected ids kindly, and changes nothing', async () => {
    const arb = fc.record({
      user: anyone,
      value: brokenCardAction(),
      via: fc.constantFrom('submit' as const, 'invoke' as const),
      locale,
      replyToId: fc.option(fc.oneof(fc.constantFrom('../../x', 'act-1', '%2F..%2F'), storableString(20)), { nil: undefined }),
    });
    await check('broken card actions', arb, async ({ user, value, via, locale: loc, replyToId }) => {
      const sent = JSON.stringify(cardTurn(user, value, via, loc, replyToId));
      await expectKindAnswer(await post(sent), sent);
    }, RUNS.turns, [
      // PostgreSQL refused these ("invalid input syntax for type uuid", NUL in a parameter): "something went wrong".
      { user: 'demo-frivillig-01', value: { action: 'offer.accept', offerId: 'x' }, via: 'submit', locale: 'nb-NO', replyToId: undefined },
      { user: 'demo-ansatt-1', value: { action: 'staff.volunteer.approve', volunteerId: "'; DROP TABLE offers;--" }, via: 'invoke', locale: 'nb-NO', replyToId: undefined },
      { user: 'demo-frivillig-01', value: { action: 'assignment.cancel.submit', assignmentId: '6f1c1a9e-0000-4000-8000-000000000000', reason: 'a\u0000b' }, via: 'submit', locale: 'nb-NO', replyToId: undefined },
    ]);
  });

  it('answers an unknown but uuid-shaped offer as "not found", kindly', async () => {
    await check('unknown offer', fc.record({ user: volunteer, offerId: fc.uuid(), via: fc.constantFrom('submit' as const, 'invoke' as const) }), async ({ user, offerId, via }) => {
      const sent = JSON.stringify(cardTurn(user, { action: 'offer.accept', offerId }, via, 'nb-NO'));
      const outcome = await post(sent);
      await expectKindAnswer(outcome, sent);
      expect(outcome.replies.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'error.invalidAction'));
    }, 20);
  });
});

// ---------------------------------------------------------------------------------------------

/** A phone the sign-up and person forms must refuse: never 8–15 digits once spaces and dashes go. */
const brokenPhone = fc
  .oneof(fc.constantFrom('12', '1234567', '1'.repeat(16), '+47 12', 'abcdefgh', '9123456a', "'; DROP TABLE members;--", '', ' '), chatText, fc.string({ maxLength: 20 }))
  .filter((p) => !/^\+?\d{8,15}$/.test(p.trim().replace(/[\s-]/g, '')));

const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, hostileParam), { nil: undefined });

const signupFields = fc.record({
  name: maybe(fc.constantFrom('Kari Nordmann', 'Ola')),
  email: maybe(fc.constantFrom('kari@example.no', 'not-an-email')),
  district: maybe(fc.constantFrom('Sentrum', 'Hamar')),
  postcode: maybe(fc.constantFrom('2317', '12345')),
  groups: maybe(fc.constantFrom('transport', 'handleing,tur', '')),
  languages: maybe(fc.constantFrom('nb', 'nb,en')),
  availability: maybe(fc.constantFrom('1:morning', '1:morning,3:evening', '8:noon')),
  weeklyCap: maybe(fc.constantFrom('1', '14', '15', '0')),
  comfort: maybe(fc.constantFrom('any', 'first_time_friendly_only', 'nope')),
});

describe('POST /api/messages: random form submits', () => {
  it('re-shows the sign-up form with the phone error and stores nothing', async () => {
    const arb = fc.record({ user: mayJoin, fields: signupFields, phone: brokenPhone, via: fc.constantFrom('submit' as const, 'invoke' as const), loc: fc.constantFrom('nb-NO', 'en-US') });
    await check('sign-up submit', arb, async ({ user, fields, phone, via, loc }) => {
      const value = ownObject([...Object.entries(fields), ['phone', phone], ['action', 'volunteer.signup.submit']]);
      expect(volunteerSignupFields.safeParse(value).success, 'the generator made a valid sign-up').toBe(false);
      const sent = JSON.stringify(cardTurn(user, value, via, loc));
      const outcome = await post(sent);
      await expectKindAnswer(outcome, sent);
      const card = invokeCard(outcome);
      const shown = [...outcome.replies.map((r) => r.activity), ...(card ? [{ attachments: [{ content: card }] }] : [])];
      expect(shown.some((a) => hasAction(a, 'volunteer.signup.submit')), 'the form is shown again').toBe(true);
      expect(shown.map((a) => visibleText(a)).join('\n')).toContain(t(loc === 'en-US' ? 'en' : 'nb', 'error.phone'));
    }, 60);
  });

  it('re-shows the staff and caregiver forms when a field is broken and stores nothing', async () => {
    const person = fc.record({
      action: fc.constant('person.submit'),
      name: maybe(fc.constant('Per Hansen')),
      address: maybe(fc.constant('Storgata 1')),
      phone: brokenPhone,
      district: maybe(fc.constant('Sentrum')),
      notes: maybe(chatText),
      consentBasis: maybe(fc.constantFrom('self', 'proxy', 'staff_recorded')),
      consentRelation: maybe(fc.constant('datter')),
      consentDate: maybe(fc.constantFrom('2025-01-01', '2024-13-45')),
    });
    const request = fc.record({
      action: fc.constant('request.submit'),
      personId: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', 'x', "'; DROP TABLE persons;--")), { nil: undefined }),
      group: maybe(fc.constantFrom('transport', 'handling')),
      // Never a date the form accepts, so nothing can be posted.
      date: fc.oneof(fc.constantFrom('', 'tomorrow', '01.02.2030', '2030-1-1', '20300101'), fc.integer(), hostileParam).filter((d) => !(typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))),
      time: maybe(fc.constantFrom('10:00', '25:00')),
      durationMinutes: maybe(fc.constantFrom('60', '5', '100000')),
      district: maybe(fc.constant('Sentrum')),
      summary: maybe(chatText),
      handoverNote: maybe(chatText),
    });
    type Form = Record<string, unknown> & { action: string };
    // Staff and caregivers post the same two forms under their own verbs.
    const arb = fc
      .tuple(fc.oneof(staff, fc.constantFrom('demo-parorende-1', 'demo-parorende-2')), fc.oneof(person, request), fc.constantFrom('submit' as const, 'invoke' as const))
      .map(([user, form, via]) => ({ user, via, value: { ...form, action: `${user.startsWith('demo-ansatt') ? 'staff' : 'caregiver'}.${form.action}` } as Form }));
    await check('staff and caregiver forms', arb, async ({ user, value, via }) => {
      const sent = JSON.stringify(cardTurn(user, ownObject(Object.entries(value)), via, 'nb-NO'));
      const outcome = await post(sent);
      await expectKindAnswer(outcome, sent);
      const card = invokeCard(outcome);
      const shown = [...outcome.replies.map((r) => r.activity), ...(card ? [{ attachments: [{ content: card }] }] : [])];
      const forgedPerson = 'personId' in value && typeof value.personId === 'string' && value.personId !== '' && !/^[0-9a-f-]{36}$/i.test(value.personId);
      if (forgedPerson) expect(shown.map((a) => visibleText(a)).join('\n')).toContain(t('nb', 'error.invalidAction'));
      // A caregiver with nobody registered yet is asked to register the person first instead.
      else if (value.action === 'caregiver.request.submit') expect(shown.some((a) => hasAction(a, value.action) || hasAction(a, 'caregiver.person.new')), 'the form is shown again').toBe(true);
      else expect(shown.some((a) => hasAction(a, value.action)), 'the form is shown again').toBe(true);
    }, 40, [
      // A date that fails the pattern must be a form error, not an exception from the date check.
      { user: 'demo-ansatt-1', value: { action: 'staff.request.submit', date: '' }, via: 'submit' },
      { user: 'demo-ansatt-1', value: { action: 'staff.person.submit', phone: '12', consentDate: '2024-13-45' }, via: 'submit' },
    ]);
  });
});
