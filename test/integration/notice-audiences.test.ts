// Issue 13, over HTTP and the fake connector: who is told what (domain/audiences.ts). For a request a
// caregiver asked for and for one a case system posted through the API, the staff-only notices —
// unreachable volunteers, escalation, taken, concern, not confirmed, a cancel with its reason — reach
// the centre's coordinator (and its staff channel, which a whole team reads: there a concern, phones
// and a reason are only said to exist) and never the caregiver; the caregiver gets plain
// notices of their own, is told both takes when A takes, cancels and B takes, and nothing they receive
// in the whole scenario names a volunteer's surname or phone, a concern or a cancel reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { linkStaffChannel } from '../../infra/staff-channels.ts';
import { osloDate } from '../../domain/time-zone.ts';
import { until } from '../support/wait.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const CG = 'na-parorende-1';
/** Paused while the request first goes out, back before A cancels: the one the request goes out to again. */
const B = demoVolunteerId(4);
const COORDINATOR = 'demo-ansatt-1';
const OTHER_STAFF = ['demo-ansatt-2', 'demo-ansatt-3'];
const CHANNEL = '19:hamar-ansatte-na@thread.tacv2';
const TOKEN = 'notice-audience-token-0123456789abcdef';
const CONCERN = 'Hun virket redd for sønnen sin og hadde blåmerker på armen';
const REASON = 'Ligger syk med feber, beklager sterkt';
const API_CONCERN = 'Kjøleskapet var tomt og han hadde ikke spist';
const API_REASON = 'Bilen min er på verksted hele uka';

const conv = (userId: string) => `conv-${userId}`;
const since = (n: number) => connector.captured.slice(n);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const textIn = (cs: Captured[], conversationId: string) => cs.filter((c) => c.conversationId === conversationId).map((c) => visibleText(c.activity)).join('\n');
const channelText = (cs: Captured[]) => cs.filter((c) => c.conversationId.startsWith(CHANNEL)).map((c) => visibleText(c.activity)).join('\n');

/** Fires the reminder that asks «Jeg kommer» and waits until the volunteer has it. */
async function askConfirmation(assignmentId: string, userId: string) {
  const before = connector.captured.length;
  await (await timer(`remind-${assignmentId}-1440-`))!.promote();
  await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(userId) && hasAction(c.activity, 'assignment.confirm')));
}

async function timer(prefix: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = (await app.queues.timers.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(prefix));
    if (job || Date.now() > deadline) return job;
    await sleep(50);
  }
}

/** The first reachable volunteer offered the request (optionally not `except`). */
async function offered(requestId: string, except: string[] = []): Promise<{ offerId: string; userId: string; memberId: string; name: string; phone: string }> {
  const rows = await app.db.query<{ id: string; user_id: string; volunteer_id: string; name: string; phone: string }>(
    `SELECT o.id, c.user_id, o.volunteer_id, m.name, m.phone FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
       JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.status = 'pending' AND NOT (o.volunteer_id = ANY($2::uuid[])) ORDER BY c.user_id LIMIT 1`,
    [requestId, except],
  );
  const r = rows[0]!;
  return { offerId: r.id, userId: r.user_id, memberId: r.volunteer_id, name: r.name, phone: r.phone };
}

const assignmentOf = async (requestId: string) =>
  (await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]))[0]!.id;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ neighbourCentre: true, env: { WAVE_SIZE: '1000', API_TOKENS: `fagsystem@hamar:${TOKEN}` } });
  chat = chatDriver(app, connector);
  // Volunteers 01–06 chat with Dugnad; the others never did, so their offers cannot be delivered.
  for (let i = 0; i < 6; i++) await chat.say(demoVolunteerId(i), 'hei');
  for (const s of [COORDINATOR, ...OTHER_STAFF]) await chat.say(s, 'hei');
  const [kari] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [COORDINATOR]);
  await linkStaffChannel(app.db, {
    centreId: 'hamar', teamId: '19:team-hamar@thread.tacv2', by: kari!.member_id, at: new Date(),
    conversationRef: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: CHANNEL, conversationType: 'channel' }, bot: { id: '28:dugnad-bot' }, user: { id: '29:kari' } },
  });
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
  await chat.submit(CG, {
    action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    notes: 'Liker fotball.', consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
  });
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe("a caregiver's request", () => {
  let requestId: string;
  let a: Awaited<ReturnType<typeof offered>>;
  let b: Awaited<ReturnType<typeof offered>>;

  it('reports unreachable volunteers (names and phones) to the coordinator and the staff channel, not to the caregiver', async () => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`);
    await chat.submit(B, { action: 'volunteer.pause', days: '2' });
    const before = connector.captured.length;
    await chat.submit(CG, {
      action: 'caregiver.request.submit', personId: p!.id, group: 'avlastning', date: osloDate(addDays(new Date(), 4)), time: '10:00', durationMinutes: '180',
      district: 'Sentrum', summary: 'Selskap hjemme', handoverNote: 'Nøkkel i lyktestolpen',
    });
    requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE person_id = $1`, [p!.id]))[0]!.id;
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes('Noen frivillige kunne ikke nås'));
    await connector.waitFor(() => channelText(since(before)).includes('Noen frivillige kunne ikke nås'));
    const [never] = await app.db.query<{ name: string; phone: string }>(
      `SELECT m.name, m.phone FROM offers o JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.undeliverable ORDER BY m.name LIMIT 1`,
      [requestId],
    );
    expect(textIn(since(before), conv(COORDINATOR))).toContain(never!.phone);
    // The channel, which a whole team reads, is told that it happened; the names and phones stay with the coordinator.
    expect(channelText(since(before))).not.toContain(never!.phone);
    expect(channelText(since(before))).not.toContain(never!.name);
    await sleep(300);
    expect(textIn(since(before), conv(CG))).not.toContain('kunne ikke nås');
    for (const s of OTHER_STAFF) expect(textIn(since(before), conv(s))).not.toContain('kunne ikke nås');
  });

  it('escalates to the coordinator and the staff channel, not to the caregiver', async () => {
    const escalation = await timer(`escalate-${requestId}-`);
    const before = connector.captured.length;
    await escalation!.promote();
    await connector.waitFor(() => since(before).some((c) => c.conversationId === conv(COORDINATOR) && hasAction(c.activity, 'staff.request.widen')));
    await connector.waitFor(() => since(before).some((c) => c.conversationId.startsWith(CHANNEL) && hasAction(c.activity, 'staff.request.widen')));
    await sleep(300);
    expect(since(before).some((c) => c.conversationId === conv(CG) && hasAction(c.activity, 'staff.request.widen'))).toBe(false);
  });

  it('tells the caregiver «‹fornavn› kommer» and staff that it is taken', async () => {
    a = await offered(requestId);
    const before = connector.captured.length;
    await chat.submit(a.userId, { action: 'offer.accept', offerId: a.offerId });
    const first = a.name.split(' ')[0]!;
    await connector.waitFor(() => textIn(since(before), conv(CG)).includes(`${first} kommer`));
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes(`${first} har tatt oppdraget`));
    expect(textIn(since(before), conv(CG))).not.toContain('Oppdraget er tatt');
  });

  it('sends a concern to the coordinator and the staff channel, never to the caregiver', async () => {
    const before = connector.captured.length;
    await chat.submit(a.userId, { action: 'concern.report', assignmentId: await assignmentOf(requestId), concern: CONCERN });
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes(CONCERN));
    await connector.waitFor(() => channelText(since(before)).includes('har meldt en bekymring'));
    await sleep(300);
    expect(channelText(since(before))).not.toContain(CONCERN);
    expect(textIn(since(before), conv(CG))).not.toContain(CONCERN);
  });

  it('tells the coordinator, not the caregiver, that the volunteer has not confirmed', async () => {
    const assignmentId = await assignmentOf(requestId);
    const before = connector.captured.length;
    // Staff hear only about a volunteer who was asked: the day-before reminder asks «Jeg kommer».
    await askConfirmation(assignmentId, a.userId);
    await (await timer(`confirm-${assignmentId}-`))!.promote();
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes('har ikke bekreftet'));
    await sleep(300);
    expect(textIn(since(before), conv(CG))).not.toContain('bekreftet');
  });

  it('gives staff the volunteer\'s reason for cancelling, and the caregiver only «kan ikke likevel — vi leter etter en ny frivillig»', async () => {
    await chat.submit(B, { action: 'volunteer.resume' });
    const before = connector.captured.length;
    await chat.submit(a.userId, { action: 'assignment.cancel.submit', assignmentId: await assignmentOf(requestId), reason: REASON });
    const first = a.name.split(' ')[0]!;
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes(REASON));
    await connector.waitFor(() => textIn(since(before), conv(CG)).includes(`${first} kan ikke likevel — vi leter etter en ny frivillig`));
    expect(textIn(since(before), conv(CG))).not.toContain(REASON);
  });

  it('tells the caregiver again when B takes it after A cancelled (each take is its own event), and a retried send does not double it', async () => {
    // It went out again, to the volunteer who had not had it yet.
    b = await offered(requestId, [a.memberId]);
    expect(b.userId).toBe(B);
    const before = connector.captured.length;
    await chat.submit(b.userId, { action: 'offer.accept', offerId: b.offerId });
    const first = b.name.split(' ')[0]!;
    await connector.waitFor(() => textIn(since(before), conv(CG)).includes(`${first} kommer`));
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes(`${first} har tatt oppdraget`));
    const takes = () => connector.captured.filter((c) => c.conversationId === conv(CG) && /En frivillig kommer/.test(visibleText(c.activity)));
    expect(takes()).toHaveLength(2);
    // The same job again (a retried dispatch adds the same id): nothing more goes out.
    // The message reaches the connector a moment before its job is marked completed.
    const takenJobs = async () => (await app.queues.send.getJobs(['completed'])).filter((j) => j.data.kind === 'notify' && j.data.message === 'caregiver.taken');
    await until(async () => (await takenJobs()).length === 2, 'both «taken» sends completed');
    const jobs = await takenJobs();
    expect(jobs).toHaveLength(2);
    for (const j of jobs) await app.queues.send.add(j.name, j.data, { jobId: j.id! });
    await sleep(800);
    expect(takes()).toHaveLength(2);
  });

  it('tells the caregiver plainly when nobody was found, and staff in their words', async () => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`);
    await chat.submit(CG, {
      action: 'caregiver.request.submit', personId: p!.id, group: 'avlastning', date: osloDate(addDays(new Date(), 6)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Tur', handoverNote: 'Ta med paraply',
    });
    const [r] = await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE person_id = $1 AND summary = 'Tur'`, [p!.id]);
    const startTimer = await timer(`start-${r!.id}-`);
    const before = connector.captured.length;
    await startTimer!.promote();
    await connector.waitFor(() => textIn(since(before), conv(CG)).includes('Vi fant dessverre ingen frivillig'));
    await connector.waitFor(() => textIn(since(before), conv(COORDINATOR)).includes('Ingen tok oppdraget'));
    expect(textIn(since(before), conv(CG))).not.toContain('Ingen tok oppdraget');
  });

  it('in the whole scenario the caregiver received no volunteer surname or phone, no concern, no cancel reason, no staff wording', async () => {
    const mine = connector.captured.filter((c) => c.conversationId === conv(CG));
    expect(mine.length).toBeGreaterThan(5);
    const everything = mine.map((c) => JSON.stringify(c.activity)).join('\n');
    const volunteers = await app.db.query<{ name: string; phone: string }>(`SELECT m.name, m.phone FROM members m WHERE m.role = 'volunteer' AND m.name IS NOT NULL`);
    for (const v of volunteers) {
      const surname = v.name.split(' ').slice(1).join(' ');
      expect(everything, `surname ${surname}`).not.toContain(surname);
      expect(everything, 'a volunteer phone').not.toContain(v.phone);
    }
    for (const secret of [CONCERN, REASON, 'Bare ansatte ser dette', 'Ring dem', 'Grunn:', 'Ikke bekreftet', 'staff.request.widen']) expect(everything).not.toContain(secret);
  });
});

describe('a request a case system posted through the API', () => {
  let requestId: string;
  let a: Awaited<ReturnType<typeof offered>>;
  const staffSaw = (cs: Captured[], text: string) => textIn(cs, conv(COORDINATOR)).includes(text) && channelText(cs).includes(text);
  /** The coordinator has the full notice; the shared channel only that it happened (`inChannel`), never `secret`. */
  const staffSawPrivately = (cs: Captured[], secret: string, inChannel: string) =>
    textIn(cs, conv(COORDINATOR)).includes(secret) && channelText(cs).includes(inChannel) && !channelText(cs).includes(secret);

  it('reports unreachable volunteers and escalates to the coordinator and the staff channel', async () => {
    const before = connector.captured.length;
    const res = await fetch(`${app.url}/api/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        centreId: 'hamar', externalRef: 'sak-13',
        person: { name: 'Per Pettersen', address: 'Torggata 1, 2317 Hamar', phone: '62512345', district: 'Sentrum', consentBasis: 'self', consentDate: osloDate(addDays(new Date(), -1)) },
        request: { group: 'handlehjelp', date: osloDate(addDays(new Date(), 3)), time: '11:00', durationMinutes: 60, district: 'Sentrum', summary: 'Handle mat', handoverNote: 'Ring på to ganger' },
      }),
    });
    expect(res.status).toBe(201);
    requestId = ((await res.json()) as { id: string }).id;
    await connector.waitFor(() => staffSaw(since(before), 'Noen frivillige kunne ikke nås'));
    const [never] = await app.db.query<{ phone: string }>(`SELECT m.phone FROM offers o JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.undeliverable LIMIT 1`, [requestId]);
    await connector.waitFor(() => staffSawPrivately(since(before), never!.phone, 'fikk ikke tilbudet'));
    const escalation = await timer(`escalate-${requestId}-`);
    const at = connector.captured.length;
    await escalation!.promote();
    await connector.waitFor(() => since(at).some((c) => c.conversationId === conv(COORDINATOR) && hasAction(c.activity, 'staff.request.widen')));
    await connector.waitFor(() => since(at).some((c) => c.conversationId.startsWith(CHANNEL) && hasAction(c.activity, 'staff.request.widen')));
  });

  it('tells the coordinator and the channel that it is taken, of a concern, of no confirmation, and of a cancel with its reason', async () => {
    a = await offered(requestId);
    let before = connector.captured.length;
    await chat.submit(a.userId, { action: 'offer.accept', offerId: a.offerId });
    const first = a.name.split(' ')[0]!;
    await connector.waitFor(() => staffSaw(since(before), `${first} har tatt oppdraget`));

    before = connector.captured.length;
    await chat.submit(a.userId, { action: 'concern.report', assignmentId: await assignmentOf(requestId), concern: API_CONCERN });
    await connector.waitFor(() => staffSawPrivately(since(before), API_CONCERN, 'har meldt en bekymring'));

    before = connector.captured.length;
    const assignmentId = await assignmentOf(requestId);
    await askConfirmation(assignmentId, a.userId);
    await (await timer(`confirm-${assignmentId}-`))!.promote();
    await connector.waitFor(() => staffSaw(since(before), 'har ikke bekreftet'));

    before = connector.captured.length;
    await chat.submit(a.userId, { action: 'assignment.cancel.submit', assignmentId: await assignmentOf(requestId), reason: API_REASON });
    await connector.waitFor(() => staffSawPrivately(since(before), API_REASON, `${first} har avlyst oppdraget`));
  });

  it('leaves nothing silently unreachable: no notice was ever addressed to the case system, which nobody chats as', async () => {
    const [system] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'api' AND user_id = 'fagsystem'`);
    const jobs = await app.queues.send.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
    expect(jobs.filter((j) => j.data.kind === 'notify' && j.data.memberId === system!.member_id)).toEqual([]);
    // The caregiver of the other request heard nothing of this one.
    expect(textIn(connector.captured, conv(CG))).not.toContain(API_CONCERN);
    expect(textIn(connector.captured, conv(CG))).not.toContain(API_REASON);
  });
});
