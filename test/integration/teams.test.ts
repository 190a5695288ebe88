// The Teams path at the HTTP level: a Teams user (keyed on aadObjectId) gets offers as cards with
// Action.Execute; pressing one arrives as an adaptiveCard/action invoke, ends in the same command as
// a Web Chat submit, and the new card comes back in the invoke response (Universal Actions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { AC } from '../support/webchat-cards.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const TENANT = '11111111-2222-3333-4444-555555555555';
const AAD = 'aad-astrid-0001';

function teamsActivity(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `teams-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:teams-user-astrid', name: 'Astrid Hansen', aadObjectId: AAD },
    recipient: { id: '28:dugnad-bot', name: 'Dugnad' },
    conversation: { id: 'a:teams-conv-astrid', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'nb-NO',
    ...extra,
  };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  // Astrid (demo volunteer 01) also uses Teams: link her Teams account to her member record.
  const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = 'demo-frivillig-01'`);
  await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [AAD, TENANT, m!.member_id]);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('in Teams', () => {
  it('knows the user by aadObjectId and answers with Action.Execute cards', async () => {
    const before = connector.captured.length;
    const res = await app.post(teamsActivity({ type: 'message', text: '<at>Dugnad</at> hei' }));
    expect(res.status).toBeLessThan(300);
    const reply = connector.captured.slice(before).find((c) => c.conversationId === 'a:teams-conv-astrid')!;
    const json = JSON.stringify(reply.activity);
    expect(json).toContain('Action.Execute');
    expect(json).not.toContain('Action.Submit');
    expect(cardActions(reply.activity).some((d) => d.action === 'tasks.mine')).toBe(true);
  });

  it('accepts an offer through an adaptiveCard/action invoke and returns the task card', async () => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 2)), time: '13:00',
      durationMinutes: '60', district: 'Sentrum', summary: 'Teams-test',
    });
    // Her last-used channel is Teams, so the offer goes there, as an Action.Execute card.
    await connector.waitFor(() => connector.captured.slice(before).some((c) => c.conversationId === 'a:teams-conv-astrid' && visibleText(c.activity).includes('Teams-test')));
    const offerCard = connector.captured.slice(before).find((c) => c.conversationId === 'a:teams-conv-astrid' && visibleText(c.activity).includes('Teams-test'))!;
    const data = cardActions(offerCard.activity).find((d) => d.action === 'offer.accept')!;
    expect(JSON.stringify(offerCard.activity)).toContain('"verb":"offer.accept"');

    const res = await app.post(teamsActivity({ type: 'invoke', name: 'adaptiveCard/action', replyToId: offerCard.activityId, value: { action: { type: 'Action.Execute', verb: 'offer.accept', data } } }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: unknown };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain('Gerd Solberg');
    const [a] = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments a JOIN chat_identities c ON c.member_id = a.volunteer_id WHERE c.user_id = $1`, [AAD]);
    expect(a!.n).toBe(1);

    // The same press again is kindly answered with the same task, and nothing changes.
    const again = await app.post(teamsActivity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'offer.accept', data } } }));
    expect(again.status).toBe(200);
    expect(JSON.stringify(await again.json())).toContain('Gerd Solberg');
    expect(await app.db.query(`SELECT 1 FROM assignments`)).toHaveLength(1);
  });
});

// Per-user views (Universal Actions): the card that stays in a chat after an offer is taken holds
// nothing private; the winner's own card carries refresh.userIds with their Teams user id, and the
// bot answers that refresh with the details only after checking who asks (a recorded reveal).
describe('user-specific views of a taken offer', () => {
  const NOTE = 'Nøkkelboksen har kode 4711';
  // Demo volunteers 2–24 help with everything in Sentrum; every eleventh from index 5 only takes first-time friendly tasks.
  const racers = Array.from({ length: 24 }, (_, i) => i).filter((i) => i !== 0 && i % 11 !== 5).slice(0, 20).map((i) => ({
    demo: demoVolunteerId(i), aad: `aad-racer-${i}`, mri: `29:mri-racer-${i}`, conv: `a:teams-conv-racer-${i}`,
  }));
  type Racer = (typeof racers)[number];
  const asRacer = (r: Racer, extra: Record<string, unknown>) =>
    teamsActivity({ from: { id: r.mri, name: r.demo, aadObjectId: r.aad }, conversation: { id: r.conv, conversationType: 'personal', tenantId: TENANT }, ...extra });
  let person: { name: string; address: string; phone: string };
  const offers = new Map<string, { activityId: string; data: Record<string, unknown> }>();
  let winner: Racer;
  let refresh: { action: { type: string; verb: string; data: Record<string, unknown> }; userIds: string[] };
  const secrets = () => [person.name, person.address, person.phone, NOTE];
  const reveals = async () => (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'reveal'`))[0]!.n;

  beforeAll(async () => {
    for (const r of racers) {
      const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1`, [r.demo]);
      await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [r.aad, TENANT, m!.member_id]);
      // Saying hello in Teams stores where to reach them (and makes Teams their last-used channel).
      expect((await app.post(asRacer(r, { type: 'message', text: 'hei' }))).status).toBeLessThan(300);
    }
    person = (await app.db.query<{ name: string; address: string; phone: string }>(`SELECT name, address, phone FROM persons WHERE name = 'Gerd Solberg'`))[0]!;
  });

  it('20 concurrent accepts: one winner with the details in its invoke response, 19 "taken" without them', async () => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: p!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 4)), time: '11:00',
      durationMinutes: '60', district: 'Sentrum', summary: 'Kappløp i Teams', handoverNote: NOTE,
    });
    await connector.waitFor((cs) => racers.every((r) => cs.slice(before).some((c) => c.conversationId === r.conv && c.method === 'POST' && visibleText(c.activity).includes('Kappløp i Teams'))));
    for (const r of racers) {
      const card = connector.captured.slice(before).find((c) => c.conversationId === r.conv && c.method === 'POST' && visibleText(c.activity).includes('Kappløp i Teams'))!;
      offers.set(r.aad, { activityId: card.activityId, data: cardActions(card.activity).find((d) => d.action === 'offer.accept')! });
    }

    const responses = await Promise.all(racers.map(async (r) => {
      const offer = offers.get(r.aad)!;
      const res = await app.post(asRacer(r, { type: 'invoke', name: 'adaptiveCard/action', replyToId: offer.activityId, value: { action: { type: 'Action.Execute', verb: 'offer.accept', data: offer.data } } }));
      expect(res.status).toBe(200);
      return { r, body: (await res.json()) as { statusCode: number; type: string; value: unknown } };
    }));
    const withDetails = responses.filter((x) => JSON.stringify(x.body.value).includes(person.name));
    expect(withDetails).toHaveLength(1);
    winner = withDetails[0]!.r;
    const winnerCard = JSON.stringify(withDetails[0]!.body.value);
    for (const s of [person.address, NOTE]) expect(winnerCard).toContain(s);
    const losers = responses.filter((x) => x.r !== winner);
    expect(losers).toHaveLength(19);
    for (const { body } of losers) {
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      const text = visibleText({ attachments: [body.value] });
      expect(text).toContain('Oppdraget er tatt');
      for (const s of secrets()) expect(text).not.toContain(s);
    }
    const assignments = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.summary = 'Kappløp i Teams'`);
    expect(assignments[0]!.n).toBe(1);
  });

  it('updates every offer card in the chats to a public card; only the winner\'s refreshes to the details, for them alone', async () => {
    await connector.waitFor((cs) => racers.every((r) => cs.some((c) => c.method === 'PUT' && c.activityId === offers.get(r.aad)!.activityId)));
    for (const r of racers) {
      const update = connector.captured.find((c) => c.method === 'PUT' && c.activityId === offers.get(r.aad)!.activityId)!;
      const text = visibleText(update.activity);
      expect(text).toContain('Oppdraget er tatt');
      for (const s of secrets()) expect(text, `${r.conv} leaked ${s}`).not.toContain(s);
      expect(hasAction(update.activity, 'offer.accept')).toBe(false);
      const card = update.activity.attachments[0].content;
      if (r === winner) {
        expect(card.refresh.userIds).toEqual([winner.mri]);
        expect(card.refresh.action).toMatchObject({ type: 'Action.Execute', verb: 'offer.details' });
        refresh = card.refresh;
        // A valid Adaptive Card 1.5 by the adaptivecards library's own reading.
        if (AC) {
          const parsed = new AC.AdaptiveCard();
          parsed.parse(card);
          expect(parsed.validateProperties().validationEvents.map((e) => e.message)).toEqual([]);
        }
      } else {
        expect(card.refresh).toBeUndefined();
      }
    }
  });

  it('answers the winner\'s refresh with the details and records the reveal', async () => {
    const before = await reveals();
    const res = await app.post(asRacer(winner, { type: 'invoke', name: 'adaptiveCard/action', replyToId: offers.get(winner.aad)!.activityId, value: { action: refresh.action, trigger: 'automatic' } }));
    const body = (await res.json()) as { type: string; value: unknown };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain(person.name);
    expect(JSON.stringify(body.value)).toContain(NOTE);
    expect(await reveals()).toBe(before + 1);
  });

  it('answers anyone else\'s refresh of that card with the public card, and reveals nothing', async () => {
    const other = racers.find((r) => r !== winner)!;
    const before = await reveals();
    const res = await app.post(asRacer(other, { type: 'invoke', name: 'adaptiveCard/action', value: { action: refresh.action, trigger: 'automatic' } }));
    const body = (await res.json()) as { type: string; value: unknown };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = visibleText({ attachments: [body.value] });
    expect(text).toContain('Oppdraget er tatt');
    for (const s of secrets()) expect(text).not.toContain(s);
    expect(await reveals()).toBe(before);
  });

  it('gives the winner only the public card once the task is no longer theirs', async () => {
    const [a] = await app.db.query<{ id: string }>(`SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.summary = 'Kappløp i Teams'`);
    await app.db.query(`UPDATE assignments SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [a!.id]);
    const before = await reveals();
    const res = await app.post(asRacer(winner, { type: 'invoke', name: 'adaptiveCard/action', value: { action: refresh.action, trigger: 'automatic' } }));
    const text = visibleText({ attachments: [((await res.json()) as { value: unknown }).value] });
    for (const s of secrets()) expect(text).not.toContain(s);
    expect(await reveals()).toBe(before);
  });
});

// A person reachable in both Teams and web chat gets offers where they choose, or where they were last.
describe('the channel offers go to', () => {
  const post = async (day: number, summary: string) => {
    const [p] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: p!.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), day)), time: '10:00',
      durationMinutes: '60', district: 'Sentrum', summary,
    });
    await connector.waitFor((cs) => cs.slice(before).some((c) => (c.conversationId === 'a:teams-conv-astrid' || c.conversationId === 'conv-demo-frivillig-01') && visibleText(c.activity).includes(summary)));
    return connector.captured.slice(before).filter((c) => visibleText(c.activity).includes(summary) && hasAction(c.activity, 'offer.accept')).map((c) => c.conversationId);
  };

  // Issue 15 made SMS a channel too: with SMS on (the development fake here), everyone with a mobile
  // number can choose it; Teams is offered only to someone reachable there.
  it('offers on the status card the channels the person can be reached on, SMS included', async () => {
    const replies = await chat.say('demo-frivillig-01', 'status');
    expect(visibleText(replies.at(-1)!.activity)).toContain('Send meg oppdrag i:');
    expect(cardActions(replies.at(-1)!.activity).filter((d) => d.action === 'volunteer.channel').map((d) => d.preferredChannel).sort()).toEqual(['sms', 'teams', 'webchat']);
    const webOnly = await chat.say('demo-frivillig-40', 'status');
    expect(cardActions(webOnly.at(-1)!.activity).filter((d) => d.action === 'volunteer.channel').map((d) => d.preferredChannel).sort()).toEqual(['sms', 'webchat']);
  });

  it('sends offers to the chosen channel even when the other was used last, and back to the last-used on «der jeg sist var»', async () => {
    const chosen = await chat.submit('demo-frivillig-01', { action: 'volunteer.channel', preferredChannel: 'teams' });
    expect(visibleText(chosen.at(-1)!.activity)).toContain('Nye oppdrag kommer her: Teams');
    // The web chat was used last (this very turn), yet the offer goes to Teams.
    const toTeams = await post(5, 'Valgt kanal: Teams');
    expect(toTeams.filter((c) => c === 'a:teams-conv-astrid' || c === 'conv-demo-frivillig-01')).toEqual(['a:teams-conv-astrid']);

    await chat.submit('demo-frivillig-01', { action: 'volunteer.channel', preferredChannel: 'last' });
    const toLast = await post(6, 'Valgt kanal: sist brukt');
    expect(toLast.filter((c) => c === 'a:teams-conv-astrid' || c === 'conv-demo-frivillig-01')).toEqual(['conv-demo-frivillig-01']);
  });
});
