// An escalation card («Ingen har tatt oppdraget ennå …») is drawn again in place once nobody need act
// on it: when a volunteer takes the request, the coordinator's card says «Løst: ‹fornavn› har tatt
// oppdraget» and the staff channel's «Løst: en frivillig …» (no names there), both without buttons — no
// call list for a task already taken; when staff cancel it, the card says «Avlyst». Over HTTP: the
// update is a PUT to the same activity id at the fake connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { linkStaffChannel } from '../../infra/staff-channels.ts';
import { osloDate } from '../../domain/time-zone.ts';
import { queuedTimer, until } from '../support/wait.ts';
import { rebuildSchedule } from '../../jobs/recovery.ts';
import { jobSettings } from '../../jobs/settings.ts';
import { createLogger } from '../../infra/log.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
const CHANNEL = '19:hamar-ansatte-losning@thread.tacv2';
let personId: string;

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const inChannel = (c: Captured) => c.conversationId.startsWith(CHANNEL);
const inStaffChat = (c: Captured) => c.conversationId === `conv-${STAFF}`;

/** Posts a request and fires its escalation: the escalation card as posted to the staff member and to the channel. */
async function escalated(summary: string) {
  await chat.submit(STAFF, {
    action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '14:00', durationMinutes: '90',
    district: 'Sentrum', meetingPlace: '', summary, handoverNote: '', contactName: '', contactPhone: '', language: '',
    policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false',
  });
  const requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = $1`, [summary]))[0]!.id;
  const before = connector.captured.length;
  await (await queuedTimer(app.queues, `escalate-${requestId}-`))!.promote();
  const isEscalation = (c: Captured) => c.method === 'POST' && hasAction(c.activity, 'staff.request.callList') && JSON.stringify(c.activity).includes(requestId);
  await connector.waitFor(() => connector.captured.slice(before).some((c) => inStaffChat(c) && isEscalation(c)));
  await connector.waitFor(() => connector.captured.slice(before).some((c) => inChannel(c) && isEscalation(c)));
  const staffCard = connector.captured.slice(before).find((c) => inStaffChat(c) && isEscalation(c))!;
  const channelCard = connector.captured.slice(before).find((c) => inChannel(c) && isEscalation(c))!;
  return { requestId, staffCard, channelCard };
}

/** The update (PUT) of a posted card, once it has come. */
async function updateOf(posted: Captured): Promise<Captured> {
  const find = () => connector.captured.find((c) => c.method === 'PUT' && c.conversationId === posted.conversationId && c.activityId === posted.activityId);
  await connector.waitFor(() => find() !== undefined, 20_000);
  return find()!;
}

/** Notice closes still to run. */
const closesWaiting = async () => (await app.queues.send.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.data.kind === 'notice.close').length;

/**
 * A volunteer takes the request and drops out while every send waits (the cards' closing at the take
 * among them), so that closing runs only after the request is open again: the order a busy queue can
 * give. `meanwhile` runs before the sends go on.
 */
async function takenAndDroppedBeforeClosing(requestId: string, meanwhile: () => Promise<void> = async () => undefined): Promise<void> {
  await app.queues.send.pause();
  try {
    const [offer] = await app.db.query<{ id: string; user_id: string }>(
      `SELECT o.id, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [requestId],
    );
    await chat.submit(offer!.user_id, { action: 'offer.accept', offerId: offer!.id });
    await until(async () => (await closesWaiting()) >= 2, 'the cards\' closing queued');
    const [task] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    await chat.submit(offer!.user_id, { action: 'assignment.cancel.submit', assignmentId: task!.id, reason: 'Syk' });
    await until(async () => (await app.db.query(`SELECT 1 FROM help_requests WHERE id = $1 AND status = 'open' AND escalated_at IS NULL`, [requestId])).length === 1, 'open again, not escalated');
    await meanwhile();
  } finally {
    await app.queues.send.resume();
  }
}

beforeAll(async () => {
  connector = await startFakeConnector();
  // No quiet hours (equal start and end): the request goes out, and escalates, whenever the test runs.
  app = await startTestApp({ env: { WAVE_SIZE: '1000', QUIET_HOURS_START: '03:00', QUIET_HOURS_END: '03:00' } });
  chat = chatDriver(app, connector);
  for (let i = 0; i < 4; i++) await chat.say(demoVolunteerId(i), 'hei');
  await chat.say(STAFF, 'hei');
  const [kari] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1`, [STAFF]);
  await linkStaffChannel(app.db, {
    centreId: 'hamar', teamId: '19:team-hamar@thread.tacv2', by: kari!.member_id, at: new Date(),
    conversationRef: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: CHANNEL, conversationType: 'channel' }, bot: { id: '28:dugnad-bot' }, user: { id: '29:kari' } },
  });
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('an escalation card once the request is settled', () => {
  it('taken: the coordinator reads «Løst: ‹fornavn› har tatt oppdraget» in place, the channel «en frivillig», with no buttons', async () => {
    const { requestId, staffCard, channelCard } = await escalated('Tur langs Mjøsa');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    const [offer] = await app.db.query<{ id: string; user_id: string; name: string }>(
      `SELECT o.id, c.user_id, m.name FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
         JOIN members m ON m.id = o.volunteer_id WHERE o.request_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [requestId],
    );
    await chat.submit(offer!.user_id, { action: 'offer.accept', offerId: offer!.id });
    const first = offer!.name.split(' ')[0]!;

    const mine = await updateOf(staffCard);
    const text = visibleText(mine.activity);
    expect(text).toContain(`Løst: ${first} har tatt oppdraget`);
    expect(text).toContain('Tur langs Mjøsa');
    expect(text).not.toContain(offer!.name.split(' ').slice(1).join(' '));
    expect(text).not.toContain('Ingen har tatt oppdraget ennå');
    expect(hasAction(mine.activity, 'staff.request.callList')).toBe(false);
    expect(cardActions(mine.activity)).toHaveLength(0);

    const shared = await updateOf(channelCard);
    expect(visibleText(shared.activity)).toContain('Løst: en frivillig har tatt oppdraget');
    expect(visibleText(shared.activity)).not.toContain(first);
    expect(cardActions(shared.activity)).toHaveLength(0);
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1 AND closed_at IS NOT NULL`, [requestId])).length === 2, 'both cards closed');
  });

  it('the volunteer drops out before the visit: it is open again, and when nobody takes it staff get a new escalation card', async () => {
    const { requestId, staffCard } = await escalated('Kinotur med Gerd');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    const [offer] = await app.db.query<{ id: string; user_id: string }>(
      `SELECT o.id, c.user_id FROM offers o JOIN chat_identities c ON c.member_id = o.volunteer_id AND c.channel_id = 'webchat'
        WHERE o.request_id = $1 AND o.status = 'pending' ORDER BY c.user_id LIMIT 1`,
      [requestId],
    );
    await chat.submit(offer!.user_id, { action: 'offer.accept', offerId: offer!.id });
    expect(visibleText((await updateOf(staffCard)).activity)).toContain('Løst');
    // Both drawn «Løst» before the volunteer drops out (a close that comes after finds the request open
    // again and leaves the card as it is, asking for help — true again by then).
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1 AND closed_at IS NOT NULL`, [requestId])).length === 2, 'both cards closed');
    const [task] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE request_id = $1 AND status = 'active'`, [requestId]);
    // Every volunteer there is had it already: the next wave finds nobody new.
    await chat.submit(offer!.user_id, { action: 'assignment.cancel.submit', assignmentId: task!.id, reason: 'Syk' });
    await until(async () => (await app.db.query(`SELECT 1 FROM help_requests WHERE id = $1 AND status = 'open' AND escalated_at IS NULL`, [requestId])).length === 1, 'open again, not escalated');
    // Its escalation timer fired before it was taken; it is set again.
    const timer = await queuedTimer(app.queues, `escalate-${requestId}-`);
    expect(timer, 'the escalation timer set again').toBeDefined();
    const before = connector.captured.length;
    await timer!.promote();
    const isEscalation = (c: Captured) => c.method === 'POST' && hasAction(c.activity, 'staff.request.callList') && JSON.stringify(c.activity).includes(requestId);
    await connector.waitFor(() => connector.captured.slice(before).some((c) => inStaffChat(c) && isEscalation(c)));
    await connector.waitFor(() => connector.captured.slice(before).some((c) => inChannel(c) && isEscalation(c)));
    const again = connector.captured.slice(before).find((c) => inStaffChat(c) && isEscalation(c))!;
    expect(again.activityId).not.toBe(staffCard.activityId);
    expect(visibleText(again.activity)).toContain('Kinotur med Gerd');
    // Someone had taken it: the new card says it is free again, not that nobody has taken it yet.
    expect(visibleText(again.activity)).toContain('Oppdraget er ledig igjen, og ingen har tatt det');
    expect(visibleText(again.activity)).not.toContain('Ingen har tatt oppdraget ennå');
    const inTheChannel = connector.captured.slice(before).find((c) => inChannel(c) && isEscalation(c))!;
    expect(visibleText(inTheChannel.activity)).toContain('Oppdraget er ledig igjen, og ingen har tatt det');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL`, [requestId])).length === 2, 'the new cards kept, to be closed in turn');
  });

  it('taken, and dropped out before the cards were drawn again: the old cards point to the new one, so one card asks for help', async () => {
    const { requestId, staffCard, channelCard } = await escalated('Turen til biblioteket');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    // Before the sends go on, the request has escalated again.
    let before = 0;
    await takenAndDroppedBeforeClosing(requestId, async () => {
      before = connector.captured.length;
      await (await queuedTimer(app.queues, `escalate-${requestId}-`))!.promote();
      await until(async () => (await app.db.query(`SELECT 1 FROM help_requests WHERE id = $1 AND escalated_at IS NOT NULL`, [requestId])).length === 1, 'escalated again');
    });
    const isEscalation = (c: Captured) => c.method === 'POST' && hasAction(c.activity, 'staff.request.callList') && JSON.stringify(c.activity).includes(requestId);
    await connector.waitFor(() => connector.captured.slice(before).some((c) => inStaffChat(c) && isEscalation(c)));
    await connector.waitFor(() => connector.captured.slice(before).some((c) => inChannel(c) && isEscalation(c)));
    for (const posted of [staffCard, channelCard]) {
      const put = await updateOf(posted);
      expect(visibleText(put.activity)).toContain('Se den nyere meldingen om dette oppdraget lenger ned');
      expect(visibleText(put.activity)).not.toContain('Løst');
      expect(cardActions(put.activity)).toHaveLength(0);
    }
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL`, [requestId])).length === 2, 'the new cards alone left open');
    const open = await app.db.query<{ activity_id: string }>(`SELECT activity_id FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL`, [requestId]);
    expect(open.map((c) => c.activity_id)).not.toContain(staffCard.activityId);
    expect(open.map((c) => c.activity_id)).not.toContain(channelCard.activityId);
  });

  it('taken, dropped out before the cards were drawn again, then cancelled: the cards say «Avlyst» at the cancel', async () => {
    const { requestId, staffCard, channelCard } = await escalated('Handletur til Kiwi');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    await takenAndDroppedBeforeClosing(requestId);
    await until(async () => (await closesWaiting()) === 0, 'the take\'s closing run');
    // Left as they were: asking for help is true again.
    expect(await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1 AND closed_at IS NULL`, [requestId])).toHaveLength(2);
    // Staff cancel it: a new event, so the cards are drawn again although a close for each already ran.
    await chat.submit(STAFF, { action: 'staff.request.cancel', requestId });
    for (const posted of [staffCard, channelCard]) {
      const put = await updateOf(posted);
      expect(visibleText(put.activity)).toContain('Avlyst');
      expect(cardActions(put.activity)).toHaveLength(0);
    }
  });

  it('cancelled: the card says «Avlyst» in place, with no buttons', async () => {
    const { requestId, staffCard, channelCard } = await escalated('Handletur til Maxi');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    await chat.submit(STAFF, { action: 'staff.request.cancel', requestId });
    for (const posted of [staffCard, channelCard]) {
      const put = await updateOf(posted);
      expect(visibleText(put.activity)).toContain('Avlyst');
      expect(visibleText(put.activity)).not.toContain('Ingen har tatt oppdraget ennå');
      expect(cardActions(put.activity)).toHaveLength(0);
    }
    // Each card is drawn again once: the dispatch of the same event run again adds no second update.
    await sleep(300);
    expect(connector.captured.filter((c) => c.method === 'PUT' && c.activityId === staffCard.activityId && c.conversationId === staffCard.conversationId)).toHaveLength(1);
  });

  it('after Redis lost the close jobs, the schedule rebuilt from the database redraws the cards', async () => {
    const { requestId, staffCard, channelCard } = await escalated('Følge til tannlegen');
    await until(async () => (await app.db.query(`SELECT 1 FROM notice_cards WHERE request_id = $1`, [requestId])).length === 2, 'both escalation cards recorded');
    // Settled while its jobs were lost: the row says cancelled, and nothing was queued to close the cards.
    await app.db.query(`UPDATE help_requests SET status = 'cancelled' WHERE id = $1`, [requestId]);
    await rebuildSchedule({ db: app.db, queues: app.queues, settings: jobSettings(app.config), log: createLogger('silent'), now: () => new Date() });
    for (const posted of [staffCard, channelCard]) expect(visibleText((await updateOf(posted)).activity)).toContain('Avlyst');
  });
});
