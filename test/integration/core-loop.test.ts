// Issue 3's scenario over real HTTP, real Redis and a real database: volunteers say hello, staff
// posts a request, offers go out redacted, 20 accept at once, exactly one wins and sees the details,
// everyone else's card turns into "taken" in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
const volunteers = Array.from({ length: 50 }, (_, i) => demoVolunteerId(i));
let person: { id: string; name: string; address: string; phone: string };
const NOTE = 'Nøkkelen ligger under den blå potten ved trappa';
let requestId: string;

const offerOf = (c: Captured) => cardActions(c.activity).find((d) => d.action === 'offer.accept')?.offerId as string | undefined;
const conv = (userId: string) => `conv-${userId}`;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  const rows = await app.db.query<{ id: string; name: string; address: string; phone: string }>(
    `SELECT id, name, address, phone FROM persons WHERE name = 'Gerd Solberg'`,
  );
  person = rows[0]!;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('the core loop', () => {
  it('sends every eligible volunteer exactly one redacted offer', async () => {
    for (const v of volunteers) await chat.say(v, 'hei');
    await chat.say(STAFF, 'hei');
    const tomorrow = osloDate(addDays(new Date(), 1));
    const replies = await chat.submit(STAFF, {
      action: 'staff.request.submit',
      personId: person.id,
      group: 'besoksvenn',
      date: tomorrow,
      time: '14:00',
      durationMinutes: '90',
      district: 'Sentrum',
      meetingPlace: 'Hjemme hos bruker',
      summary: 'Besøk og en kopp kaffe',
      handoverNote: NOTE,
      contactName: 'Kari Nordmann',
      contactPhone: '47900100',
      language: '',
      policeCertificate: 'false',
      firstTimeFriendly: 'false',
      staffAlong: 'false',
      urgent: 'false',
    });
    expect(visibleText(replies.at(-1)!.activity)).toMatch(/sendt|frivillige/i);
    const req = await app.db.query<{ id: string; status: string }>('SELECT id, status FROM help_requests');
    expect(req).toHaveLength(1);
    expect(req[0]!.status).toBe('open');
    requestId = req[0]!.id;

    const offers = await app.db.query<{ id: string; volunteer_user: string }>(
      `SELECT o.id, c.user_id AS volunteer_user FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = $1`,
      [requestId],
    );
    expect(offers.length).toBeGreaterThanOrEqual(20);
    const offeredUsers = new Set(offers.map((o) => o.volunteer_user));
    await connector.waitFor((cs) => cs.filter((c) => offerOf(c)).length >= offers.length);
    await new Promise((ok) => setTimeout(ok, 300)); // a duplicate would arrive now

    for (const v of volunteers) {
      const cards = connector.conversation(conv(v)).filter((c) => c.method === 'POST' && offerOf(c));
      expect(cards.length, v).toBe(offeredUsers.has(v) ? 1 : 0);
    }
    // One first_time_friendly_only volunteer (index 5) and volunteers outside Sentrum get nothing.
    expect(offeredUsers.has(demoVolunteerId(5))).toBe(false);
    expect(offeredUsers.has(demoVolunteerId(25))).toBe(false);

    // Confidentiality: nothing sent to any volunteer names the person or carries the note.
    const secrets = [person.name, person.address, person.phone, NOTE, 'Kari Nordmann', '47900100'];
    for (const c of connector.captured.filter((c) => c.conversationId !== conv(STAFF))) {
      const text = visibleText(c.activity);
      for (const s of secrets) expect(text, `${c.conversationId} leaked ${s}`).not.toContain(s);
    }
  });

  it('lets exactly one of 20 simultaneous accepts win; the others see "taken" in place', async () => {
    const offerCards = connector.captured.filter((c) => c.method === 'POST' && offerOf(c));
    const racers = offerCards.slice(0, 20);
    const users = racers.map((c) => c.conversationId.replace(/^conv-/, ''));
    const before = connector.captured.length;
    const responses = await Promise.all(
      racers.map((c, i) => app.post({
        type: 'message',
        id: `race-${i}`,
        channelId: 'webchat',
        serviceUrl: connector.url,
        from: { id: users[i] },
        recipient: { id: 'dugnad-bot' },
        conversation: { id: c.conversationId },
        replyToId: c.activityId,
        locale: 'nb-NO',
        value: { action: 'offer.accept', offerId: offerOf(c) },
      })),
    );
    expect(responses.every((r) => r.status < 300)).toBe(true);

    const assignments = await app.db.query<{ volunteer_id: string }>(`SELECT volunteer_id FROM assignments WHERE request_id = $1`, [requestId]);
    expect(assignments).toHaveLength(1);
    const request = await app.db.query<{ status: string }>('SELECT status FROM help_requests WHERE id = $1', [requestId]);
    expect(request[0]!.status).toBe('taken');

    // The winner's card turned into the full task; each loser's card turned into "taken" in place.
    const answers = connector.captured.slice(before);
    const winners = racers.filter((c) => answers.some((a) => a.method === 'PUT' && a.activityId === c.activityId && visibleText(a.activity).includes(person.name)));
    expect(winners).toHaveLength(1);
    const winnerUpdate = answers.find((a) => a.activityId === winners[0]!.activityId && a.method === 'PUT')!;
    expect(visibleText(winnerUpdate.activity)).toContain(NOTE);
    expect(visibleText(winnerUpdate.activity)).toContain(person.address);
    for (const c of racers.filter((r) => r !== winners[0])) {
      const update = answers.find((a) => a.method === 'PUT' && a.activityId === c.activityId);
      expect(update, c.conversationId).toBeDefined();
      expect(visibleText(update!.activity)).toContain('Oppdraget er tatt');
      expect(hasAction(update!.activity, 'offer.accept')).toBe(false);
      expect(visibleText(update!.activity)).not.toContain(person.name);
    }

    // Offered volunteers who did not race get their card closed by the workers.
    const bystanders = offerCards.slice(20);
    await connector.waitFor((cs) => bystanders.every((b) => cs.some((c) => c.method === 'PUT' && c.activityId === b.activityId)));
    for (const b of bystanders) {
      const update = connector.captured.find((c) => c.method === 'PUT' && c.activityId === b.activityId)!;
      expect(visibleText(update.activity)).toContain('Oppdraget er tatt');
    }

    // Staff are told; the reveal is on record.
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === conv(STAFF) && /tatt/i.test(visibleText(c.activity)) && c.at > racers[0]!.at));
    const reveals = await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'reveal' AND request_id = $1`, [requestId]);
    expect(reveals).toHaveLength(1);
  });

  it('shows the winner the task under "Mine oppdrag", and a stale button changes nothing', async () => {
    const [a] = await app.db.query<{ user_id: string }>(
      `SELECT c.user_id FROM assignments a JOIN chat_identities c ON c.member_id = a.volunteer_id AND c.channel_id = 'webchat' WHERE a.request_id = $1`,
      [requestId],
    );
    const replies = await chat.say(a!.user_id, 'mine oppdrag');
    expect(visibleText(replies[0]!.activity)).toContain(person.name);

    const loserOffer = await app.db.query<{ id: string; user_id: string }>(
      `SELECT o.id, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = $1 AND o.status = 'taken' LIMIT 1`,
      [requestId],
    );
    const stale = await chat.submit(loserOffer[0]!.user_id, { action: 'offer.accept', offerId: loserOffer[0]!.id });
    expect(visibleText(stale[0]!.activity)).toContain('Oppdraget er tatt');
    expect(await app.db.query('SELECT 1 FROM assignments')).toHaveLength(1);
  });
});
