// Calendar feeds (issue 18): a volunteer subscribes to their own tasks, staff to the centre's
// requests, at a secret URL they can reset. The feed is valid iCalendar (read back with ical.js), has
// kind of help, area, start and end and a link back to the chat — and nothing about the person
// (checked with the same guard that checks outgoing offers). A cancelled or moved task keeps its UID
// and comes with STATUS:CANCELLED or a new time and a higher SEQUENCE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import ICAL from 'ical.js';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, type ChatDriver } from '../support/chat.ts';
import { findPersonalData } from '../../domain/confidentiality.ts';
import { privateDetails } from '../../infra/request-row.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const VOLUNTEER = 'demo-frivillig-01';
let requestId = '';
let volunteerFeed = '';

/** The https URL in a card's text (the link is shown once, when made). */
function urlIn(activity: Record<string, unknown>): string {
  const match = /(https?:\/\/\S+\/kalender\/\S+\.ics)/.exec(visibleText(activity));
  if (!match) throw new Error(`no calendar URL in: ${visibleText(activity)}`);
  return match[1]!;
}

async function fetchFeed(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

interface Event { uid: string; summary: string; location: string; status: string; sequence: number; start: string; end: string; url: string; description: string }

/** Parsed by ical.js, a maintained iCalendar parser: throws on anything that is not iCalendar. */
function events(ics: string): Event[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  return calendar.getAllSubcomponents('vevent').map((e) => {
    const ev = new ICAL.Event(e);
    return {
      uid: ev.uid, summary: ev.summary, location: ev.location, status: String(e.getFirstPropertyValue('status')), sequence: ev.sequence,
      start: ev.startDate.toJSDate().toISOString(), end: ev.endDate.toJSDate().toISOString(), url: String(e.getFirstPropertyValue('url')), description: ev.description,
    };
  });
}

async function expectNoPersonalData(ics: string): Promise<void> {
  const details = await privateDetails(app.db, requestId);
  expect(details!.personName).toBe('Gerd Solberg');
  expect(findPersonalData(ics, details!)).toEqual([]);
  // The volunteer's own name is not in it either: calendar services are third parties.
  expect(ics).not.toContain('Astrid');
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
  await chat.submit('demo-ansatt-1', {
    action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(new Date(), 2)), time: '11:00',
    durationMinutes: '90', district: 'Sentrum', summary: 'Handle mat til Gerd på Coop Storgata', handoverNote: 'Nøkkel under matta, Storgata 12',
    contactName: 'Kari Solberg', contactPhone: '41234567', meetingPlace: 'Ved postkassen i Storgata 12',
  });
  requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests ORDER BY created_at DESC LIMIT 1`))[0]!.id;
  const [offer] = await app.db.query<{ id: string }>(`SELECT o.id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.user_id = $2 WHERE o.request_id = $1`, [requestId, VOLUNTEER]);
  await chat.submit(VOLUNTEER, { action: 'offer.accept', offerId: offer!.id });
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a volunteer’s own tasks', () => {
  it('«Kalender» offers a link; making it shows the secret URL once', async () => {
    // The calendar card, whatever else reaches this conversation meanwhile (in one CI run the offer card the
    // workers were still sending arrived during this turn).
    const card = (await chat.say(VOLUNTEER, 'kalender')).find((r) => cardActions(r.activity).some((a) => a.action === 'calendar.create'));
    expect(visibleText(card!.activity)).toContain('aldri navn, adresse eller telefon');
    expect(cardActions(card!.activity).map((a) => a.action)).toContain('calendar.create');
    const made = await chat.submit(VOLUNTEER, { action: 'calendar.create' });
    volunteerFeed = urlIn(made.at(-1)!.activity);
    expect(volunteerFeed.startsWith(`${app.url}/kalender/`)).toBe(true);
    // Only a hash of the secret is stored.
    const secret = /\/([^/]+)\.ics$/.exec(volunteerFeed)![1]!;
    expect(JSON.stringify(await app.db.query('SELECT * FROM calendar_feeds'))).not.toContain(secret);
  });

  it('is valid iCalendar with the task: kind of help, area, start and end, a link to the chat — and nothing about the person', async () => {
    const feed = await fetchFeed(volunteerFeed);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe('text/calendar; charset=utf-8');
    const [event, ...rest] = events(feed.text);
    expect(rest).toEqual([]);
    const [request] = await app.db.query<{ starts_at: Date }>(`SELECT starts_at FROM help_requests WHERE id = $1`, [requestId]);
    expect(event).toMatchObject({
      summary: 'Handlehjelp – Dugnad', location: 'Sentrum', status: 'CONFIRMED', start: request!.starts_at.toISOString(),
      end: new Date(request!.starts_at.getTime() + 90 * 60_000).toISOString(), url: `${app.url}/#vis=oppdrag`,
    });
    expect(event!.uid).toContain(requestId);
    await expectNoPersonalData(feed.text);
    // Not even the request's free-text summary, which staff may have written a name into.
    expect(feed.text).not.toContain('Coop Storgata');
  });

  it('a moved task keeps its UID, with the new time and a higher SEQUENCE', async () => {
    const before = events((await fetchFeed(volunteerFeed)).text)[0]!;
    // What a series' new time does to each visit (infra/series.ts): a new start, and updated_at.
    await new Promise((r) => setTimeout(r, 1100)); // SEQUENCE counts whole seconds
    await app.db.query(`UPDATE help_requests SET starts_at = starts_at + interval '1 hour', updated_at = now() WHERE id = $1`, [requestId]);
    const after = events((await fetchFeed(volunteerFeed)).text)[0]!;
    expect(after.uid).toBe(before.uid);
    expect(new Date(after.start).getTime() - new Date(before.start).getTime()).toBe(3_600_000);
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });

  it('a task the volunteer gives back stays in their feed as cancelled', async () => {
    const before = events((await fetchFeed(volunteerFeed)).text)[0]!;
    const [assignment] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    await new Promise((r) => setTimeout(r, 1100)); // SEQUENCE counts whole seconds
    await chat.submit(VOLUNTEER, { action: 'assignment.cancel.submit', assignmentId: assignment!.id, reason: 'Syk' });
    const after = events((await fetchFeed(volunteerFeed)).text)[0]!;
    expect(after).toMatchObject({ uid: before.uid, status: 'CANCELLED' });
    expect(after.sequence).toBeGreaterThan(before.sequence);
  });

  it('a new link stops the old one; a wrong secret gets the same 404', async () => {
    const made = await chat.submit(VOLUNTEER, { action: 'calendar.create' });
    const fresh = urlIn(made.at(-1)!.activity);
    expect(fresh).not.toBe(volunteerFeed);
    expect((await fetchFeed(volunteerFeed)).status).toBe(404);
    expect((await fetchFeed(fresh)).status).toBe(200);
    expect((await fetchFeed(fresh.replace(/\/[^/]+\.ics$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics'))).status).toBe(404);
    expect((await fetchFeed(`${app.url}/kalender/not-a-feed/x.ics`)).status).toBe(404);
    volunteerFeed = fresh;
  });
});

describe('the centre’s requests, for staff', () => {
  it('shows every request with its status, on the same terms', async () => {
    const made = await chat.submit('demo-ansatt-2', { action: 'calendar.create' });
    const url = urlIn(made.at(-1)!.activity);
    let feed = await fetchFeed(url);
    const mine = () => events(feed.text).find((e) => e.uid.includes(requestId))!;
    expect(mine()).toMatchObject({ summary: 'Handlehjelp (uten frivillig) – Dugnad', status: 'CONFIRMED', url: `${app.url}/#vis=foresporsler` });
    await expectNoPersonalData(feed.text);

    const before = mine();
    await new Promise((r) => setTimeout(r, 1100));
    await chat.submit('demo-ansatt-1', { action: 'staff.request.cancel', requestId });
    feed = await fetchFeed(url);
    expect(mine()).toMatchObject({ uid: before.uid, status: 'CANCELLED', summary: 'Handlehjelp (avlyst) – Dugnad' });
    expect(mine().sequence).toBeGreaterThan(before.sequence);
  });

  it('stops when the volunteer leaves', async () => {
    await chat.submit(VOLUNTEER, { action: 'volunteer.leave.confirm' });
    expect((await fetchFeed(volunteerFeed)).status).toBe(404);
  });
});
