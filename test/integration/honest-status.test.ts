// What the bot tells a person must be true when they read it (issue 14): at night the offers wait for
// the morning, so the poster hears «sendes kl. 08:00», not «sendt ut», and their list says the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes } from 'date-fns';
import { formatDate, formatTime } from '../../adaptive-cards/format.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { until } from '../support/wait.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
let personId: string;

// Quiet hours around the real time now (the seeded consents, the outbox and the workers all read the
// real clock): from an hour ago until two hours from now, in Oslo.
const osloClock = (d: Date) => formatTime(d);
const quietEnd = osloClock(addMinutes(new Date(), 120));
const night = new Date();


const request = (over: Record<string, unknown> = {}) => ({
  action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(night, 3)), time: '14:00', durationMinutes: '90',
  district: 'Sentrum', meetingPlace: '', summary: 'Besøk og en kopp kaffe', handoverNote: '', contactName: '', contactPhone: '', language: '',
  policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false', ...over,
});

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000', QUIET_HOURS_START: osloClock(addMinutes(new Date(), -60)), QUIET_HOURS_END: quietEnd } });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 5; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.say(STAFF, 'hei');
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('quiet hours, as the poster hears them', () => {
  it('a request saved at night says when it goes out, and the list says the same', async () => {
    const replies = await chat.submit(STAFF, request());
    const answer = visibleText(replies.at(-1)!.activity);
    expect(answer).toContain(`sendes til frivillige kl. ${quietEnd}`);
    expect(answer).not.toContain('sendt ut');
    const list = await chat.submit(STAFF, { action: 'staff.requests.list' });
    const listed = list.map((c) => visibleText(c.activity)).join('\n');
    expect(listed).toContain(`Sendes til frivillige kl. ${quietEnd}`);
    expect(listed).not.toMatch(/Sendt ut til \d+ frivillig/);
    // Staff may see whom each request is for, in their own chat.
    expect(listed).toContain('Gerd Solberg');
  });

  it('an urgent one goes at once and says so', async () => {
    const replies = await chat.submit(STAFF, request({ urgent: 'true', summary: 'Handle mat i dag' }));
    expect(visibleText(replies.at(-1)!.activity)).toContain('sendt ut til frivillige');
  });
});

describe('a request that has since been taken', () => {
  /** The offer's card as it stands last: the one posted with it, and any update of that activity. */
  const lastUpdateOf = (user: string, offerId: string) => {
    const convo = connector.conversation(`conv-${user}`);
    const posted = convo.find((c) => c.method === 'POST' && JSON.stringify(c.activity).includes(offerId))!;
    return convo.filter((c) => c.activityId === posted.activityId).at(-1)!;
  };
  let requestId: string;

  it('thanks the volunteer who tapped too late, and tells the one who never tapped only that it is taken', async () => {
    const replies = await chat.submit(STAFF, request({ urgent: 'true', summary: 'Følge til tannlegen' }));
    expect(visibleText(replies.at(-1)!.activity)).toContain('sendt ut');
    requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = 'Følge til tannlegen'`))[0]!.id;
    const offers = await app.db.query<{ id: string; user_id: string }>(
      `SELECT o.id, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat' WHERE o.request_id = $1 ORDER BY c.user_id`, [requestId],
    );
    expect(offers.length).toBeGreaterThanOrEqual(3);
    const [[winner, wo], [loser, lo], [bystander, bo]] = offers.slice(0, 3).map((o) => [o.user_id, o.id] as const) as [readonly [string, string], readonly [string, string], readonly [string, string]];
    await new Promise((r) => setTimeout(r, 4000));
    await connector.waitFor(() => [[winner, wo], [loser, lo], [bystander, bo]].every(([u, o]) => connector.conversation(`conv-${u}`).some((c) => JSON.stringify(c.activity).includes(o!))));

    await chat.submit(winner, { action: 'offer.accept', offerId: wo });
    // The workers close every open card: who never tapped hears only that it is taken.
    await until(async () => (await app.db.query(`SELECT 1 FROM offers WHERE id = ANY($1) AND closed_card_sent_at IS NOT NULL`, [[lo, bo]])).length === 2, 'both cards closed');
    const closed = lastUpdateOf(bystander, bo);
    expect(closed.method).toBe('PUT');
    expect(visibleText(closed.activity)).toContain('Oppdraget er tatt');
    expect(visibleText(closed.activity)).not.toContain('rakk det');
    // A tap that was on its way (a phone that had not yet got the update) is thanked for answering.
    const lost = await chat.submit(loser, { action: 'offer.accept', offerId: lo });
    expect(visibleText(lost.at(-1)!.activity)).toContain('Noen andre rakk det før deg — takk for at du svarte!');
    expect(await app.db.query(`SELECT 1 FROM offers WHERE id = $1 AND responded_at IS NOT NULL`, [lo])).toHaveLength(1);
  });

  it('its escalation card answers that it was taken, not «avsluttet eller avlyst»', async () => {
    const replies = await chat.submit(STAFF, { action: 'staff.request.widen', requestId });
    const answer = visibleText(replies.at(-1)!.activity);
    expect(answer).toContain('Oppdraget er tatt');
    expect(answer).toMatch(/Tatt av \S+/);
    expect(answer).not.toContain('avsluttet eller avlyst');
    const call = await chat.submit(STAFF, { action: 'staff.request.callList', requestId });
    expect(visibleText(call.at(-1)!.activity)).toContain('Oppdraget er tatt');
  });
});

describe('someone we do not know yet', () => {
  it('typing «status» is told they are not registered, and offered sign-up', async () => {
    const replies = await chat.say('ny-bruker-status', 'status');
    const text = replies.map((r) => visibleText(r.activity)).join('\n');
    expect(text).toContain('Du er ikke registrert hos oss ennå');
    expect(text).not.toContain('Det forstod jeg ikke');
    expect(replies.some((r) => cardActions(r.activity).some((d) => d.action === 'volunteer.signup.start'))).toBe(true);
  });

  it('«status» for a caregiver or staff shows where their requests stand', async () => {
    const replies = await chat.say(STAFF, 'status');
    expect(visibleText(replies[0]!.activity)).toContain('Mine forespørsler');
  });
});

describe('cancelling a series, asked first and told truly', () => {
  it('names the visits it calls off, says no volunteer is told when none has them, and «til og med» stays true', async () => {
    const first = addDays(new Date(), 10);
    await chat.submit(STAFF, request({ date: osloDate(first), summary: 'Tur hver uke', repeat: '1', visitCount: '3' }));
    const visits = await app.db.query<{ id: string; starts_at: Date; series_id: string }>(
      `SELECT id, starts_at, series_id FROM help_requests WHERE summary = 'Tur hver uke' ORDER BY starts_at`,
    );
    expect(visits).toHaveLength(3);
    const seriesId = visits[0]!.series_id;
    const dateOf = (d: Date) => formatDate('nb', d);

    // The last visit is cancelled on its own: the series list's «til og med» now names the second.
    await chat.submit(STAFF, { action: 'staff.request.cancel', requestId: visits[2]!.id });
    const list = (await chat.submit(STAFF, { action: 'staff.requests.list' })).map((c) => visibleText(c.activity)).join('\n');
    expect(list).toContain(`til og med ${dateOf(visits[1]!.starts_at)}`);
    expect(list).not.toContain(`til og med ${dateOf(visits[2]!.starts_at)}`);

    const question = visibleText((await chat.submit(STAFF, { action: 'staff.series.cancel', seriesId })).at(-1)!.activity);
    expect(question).toContain(`Disse besøkene blir avlyst: ${dateOf(visits[0]!.starts_at)}, ${dateOf(visits[1]!.starts_at)}.`);
    expect(question).toContain('Ingen frivillig har tatt dem ennå.');
    expect(question).not.toContain('får beskjed');
    const done = visibleText((await chat.submit(STAFF, { action: 'staff.series.cancel.confirm', seriesId })).at(-1)!.activity);
    expect(done).toContain('Alle besøkene som gjenstår, er avlyst.');
    expect(done).not.toContain('har fått beskjed');
  });
});

describe('staff approving a volunteer', () => {
  it('«Godkjenn» redraws the list and says whom it approved', async () => {
    await chat.submit('ny-frivillig-reidun', {
      action: 'volunteer.signup.submit', name: 'Reidun Framstad', phone: '912 34 568', email: '', district: 'Sentrum', postcode: '2317',
      groups: 'besoksvenn', languages: 'nb', availability: '1:morning,2:morning', weeklyCap: '2', comfort: 'any',
    });
    const [v] = await app.db.query<{ member_id: string }>(`SELECT v.member_id FROM volunteers v JOIN members m ON m.id = v.member_id WHERE m.name = 'Reidun Framstad'`);
    expect(v).toBeDefined();
    const replies = await chat.submit(STAFF, { action: 'staff.volunteer.approve', volunteerId: v!.member_id });
    const texts = replies.map((r) => visibleText(r.activity));
    expect(texts.some((x) => x.includes('Frivillige'))).toBe(true); // the list, drawn again
    expect(texts.at(-1)).toContain('Reidun Framstad er godkjent.');
  });
});
