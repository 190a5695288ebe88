// Everyone who chats with Dugnad gets their own data (GDPR art. 15), from the menu or by typing
// «innsyn», «mine data» or «personvern»: a readable card and the complete JSON — attached in Web Chat,
// a short-lived link in Teams — and nothing of anyone else's. Over real HTTP; replies at the fake
// connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId, demoVolunteerName } from '../../infra/seed-demo.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import type { OwnDataExport } from '../../infra/own-data.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
const CG = 'own-data-parorende';
const PERSON = { name: 'Olga Eiendatter', address: 'Eieveien 4, 2317 Hamar', phone: '62514242' };
const HANDOVER = 'Kode 1234 på døra';
const CONCERN = 'Virket sliten i dag';
const OTHERS = [PERSON.name, 'Eiendatter', 'Eieveien', PERSON.phone, HANDOVER, 'Kari Nordmann', 'Hilde Eiendatter'];
let volunteer: string;
let personId: string;
let assignmentId: string;

function ownDataOf(replies: Captured[]): { card: Record<string, any>; data: OwnDataExport | null; file?: { name: string; contentUrl: string } } {
  const reply = replies.find((r) => visibleText(r.activity).includes(t('nb', 'ownData.title')));
  expect(reply, 'the own-data card').toBeDefined();
  const activity = reply!.activity;
  for (const data of cardActions(activity)) expect(cardAction.safeParse(data).success, JSON.stringify(data)).toBe(true);
  const file = (activity.attachments as Array<{ contentType: string; name: string; contentUrl: string }>).find((a) => a.contentType === 'application/json');
  const data = file ? (JSON.parse(Buffer.from(file.contentUrl.replace(/^data:application\/json;base64,/, ''), 'base64').toString('utf8')) as OwnDataExport) : null;
  return { card: activity, data, ...(file ? { file } : {}) };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ workers: false, env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 5; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.say(STAFF, 'hei');
  // A caregiver asks for a visit; a volunteer takes it and reports a concern.
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Eiendatter', phone: '934 56 700' });
  await chat.submit(CG, { action: 'caregiver.person.submit', ...PERSON, district: 'Sentrum', consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()) });
  personId = (await app.db.query<{ id: string }>('SELECT id FROM persons WHERE name = $1', [PERSON.name]))[0]!.id;
  await chat.submit(CG, {
    action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 3)), time: '10:00', durationMinutes: '120',
    district: 'Sentrum', summary: 'Selskap en formiddag', handoverNote: HANDOVER,
  });
  const [offer] = await app.db.query<{ id: string; user_id: string }>(
    `SELECT o.id, c.user_id FROM offers o JOIN help_requests r ON r.id = o.request_id JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
      WHERE r.person_id = $1 ORDER BY c.user_id LIMIT 1`,
    [personId],
  );
  volunteer = offer!.user_id;
  await chat.submit(volunteer, { action: 'offer.accept', offerId: offer!.id });
  assignmentId = (await app.db.query<{ id: string }>(`SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.person_id = $1`, [personId]))[0]!.id;
  await chat.submit(volunteer, { action: 'concern.report', assignmentId, concern: CONCERN });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a volunteer', () => {
  it('finds «Mine data» in the menu, and gets the same by typing «innsyn», «mine data» or «personvern»', async () => {
    const [menu] = await chat.say(volunteer, 'meny');
    expect(hasAction(menu!.activity, 'privacy.mine')).toBe(true);
    for (const word of ['innsyn', 'mine data', 'personvern', 'Personvern']) {
      const replies = await chat.say(volunteer, word);
      expect(replies.map((r) => visibleText(r.activity)).join('\n'), word).not.toContain(t('nb', 'error.notUnderstood'));
      expect(ownDataOf(replies).data, word).not.toBeNull();
    }
  });

  it('gets a readable summary and the complete JSON of their own data — nothing of the person helped or anyone else', async () => {
    const auditBefore = (await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'member.export'`)).length;
    const { card, data, file } = ownDataOf(await chat.submit(volunteer, { action: 'privacy.mine' }));
    expect(file).toMatchObject({ name: 'mine-data.json' });
    expect(file!.contentUrl).toMatch(/^data:application\/json;base64,/);
    const index = Number(volunteer.replace(/\D/g, '')) - 1;
    expect(visibleText(card)).toContain(demoVolunteerName(index));
    expect(visibleText(card)).toContain(t('nb', 'ownData.offers'));
    expect(data!.format).toBe('dugnad-mine-data/1');
    expect(data!.you).toMatchObject({ role: 'volunteer', name: demoVolunteerName(index) });
    expect(data!.volunteer!.declarationsSigned.length).toBeGreaterThan(0);
    expect(data!.tasks).toHaveLength(1);
    expect(data!.tasks[0]).toMatchObject({ assignmentId, group: 'avlastning', district: 'Sentrum', status: 'active', durationMinutes: 120 });
    expect(data!.offers.length).toBeGreaterThan(0);
    expect(data!.concernsReported).toEqual([expect.objectContaining({ text: CONCERN })]);
    // What they saw of the person is listed as what they did (a reveal of named fields), not repeated.
    expect(data!.yourActions.some((a) => a.action === 'reveal' && a.fields.includes('address'))).toBe(true);
    const everything = JSON.stringify(data) + visibleText(card);
    for (const other of OTHERS) expect(everything, other).not.toContain(other);
    expect((await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'member.export'`)).length).toBe(auditBefore + 1);
  });
});

describe('a caregiver', () => {
  it('gets their own data: their requests by public facts, no person details and no volunteer', async () => {
    const [menu] = await chat.say(CG, 'hei');
    expect(hasAction(menu!.activity, 'privacy.mine')).toBe(true);
    const { data } = ownDataOf(await chat.say(CG, 'mine data'));
    expect(data!.you).toMatchObject({ role: 'caregiver', name: 'Hilde Eiendatter', phone: '93456700' });
    expect(data!.volunteer).toBeNull();
    expect(data!.requestsAsked).toEqual([expect.objectContaining({ group: 'avlastning', summary: 'Selskap en formiddag', status: 'taken' })]);
    expect(data!.personsRegistered).toBe(1);
    const everything = JSON.stringify(data);
    for (const other of [PERSON.name, PERSON.address, PERSON.phone, HANDOVER, CONCERN]) expect(everything, other).not.toContain(other);
    const taker = (await app.db.query<{ name: string }>(`SELECT m.name FROM assignments a JOIN members m ON m.id = a.volunteer_id WHERE a.id = $1`, [assignmentId]))[0]!.name;
    for (const part of taker.split(' ')) expect(everything, part).not.toContain(part);
  });
});

describe('staff', () => {
  it('keep «personvern» for the people they help, with their own data one button away, and «mine data» for their own', async () => {
    const list = await chat.say(STAFF, 'personvern');
    const card = list.find((r) => hasAction(r.activity, 'privacy.mine'));
    expect(card && visibleText(card.activity)).toContain(t('nb', 'privacy.intro'));
    const { data } = ownDataOf(await chat.say(STAFF, 'mine data'));
    expect(data!.you).toMatchObject({ role: 'coordinator', name: 'Kari Nordmann' });
  });
});

describe('in Teams', () => {
  it('the card links to the file for a few minutes; the link gives the JSON, a made-up one nothing', async () => {
    const before = connector.captured.length;
    const res = await app.post(userActivity({ userId: volunteer, serviceUrl: connector.url, channelId: 'msteams', conversationId: 'teams-own', text: 'mine data' }));
    expect(res.status).toBe(200);
    const { card, file } = ownDataOf(connector.captured.slice(before).filter((c) => c.conversationId === 'teams-own'));
    expect(file).toBeUndefined();
    const links: string[] = [];
    JSON.stringify(card, (_k, v) => {
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'Action.OpenUrl') links.push((v as { url: string }).url);
      return v;
    });
    expect(links).toHaveLength(1);
    const download = await fetch(links[0]!.replace(app.config.PUBLIC_BASE_URL, app.url));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="mine-data.json"');
    expect(download.headers.get('cache-control')).toBe('no-store');
    const data = (await download.json()) as OwnDataExport;
    expect(data.format).toBe('dugnad-mine-data/1');
    expect(data.tasks[0]!.assignmentId).toBe(assignmentId);
    for (const other of OTHERS) expect(JSON.stringify(data), other).not.toContain(other);
    for (const forged of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x', '..%2F..%2Fetc']) {
      expect((await fetch(`${app.url}/mine-data/${forged}`)).status).toBe(404);
    }
  });
});

describe('someone Dugnad does not know', () => {
  it('has no data to get, and is told so plainly', async () => {
    const replies = await chat.submit('own-data-stranger', { action: 'privacy.mine' });
    expect(replies.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'error.notAllowed'));
  });
});
