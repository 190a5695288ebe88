// The turn that posts a request queues its wave itself, right after the commit (jobs/offer-slices.ts
// queueWave): every offer in slices named by the wave's outbox row, and that row's dispatch. The
// dispatch that follows queues the same slice ids, which must then be no-ops that leave no offer out,
// even when some offers have gone already and what is unsent slices differently. Over HTTP with the
// workers stopped, so the queues can be read as the turn left them; quiet hours' holding is in
// jobs.test.ts («quiet hours»).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, type ChatDriver } from '../support/chat.ts';
import { insertReachableVolunteers } from '../support/volunteers.ts';
import { osloDate } from '../../domain/time-zone.ts';
import { dispatchOutbox } from '../../jobs/dispatch.ts';
import { jobSettings } from '../../jobs/settings.ts';
import { dispatchJobId } from '../../jobs/queues.ts';
import { OFFER_SLICE_SIZE } from '../../jobs/offer-slices.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { queuedTimer } from '../support/wait.ts';

const STAFF = 'demo-ansatt-1';
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
let personId: string;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ workers: false, env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  // More than two slices' worth of volunteers who fit a visit in Sentrum.
  await insertReachableVolunteers(app.db, 2 * OFFER_SLICE_SIZE + 20, connector.url, 'turn');
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

/** The slice jobs queued for a request: their ids and offers. */
async function slicesOf(requestId: string) {
  const jobs = await app.queues.send.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  return jobs
    .filter((j) => j.data.kind === 'offers' && j.data.requestId === requestId)
    .map((j) => ({ id: j.id!, offerIds: (j.data as { offerIds: string[] }).offerIds }))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

describe('a request posted in the chat', () => {
  let requestId: string;
  let outboxId: number;
  let offerIds: string[];

  it('has its whole wave queued in slices, and its outbox row\'s dispatch, by the time the answer comes', async () => {
    const replies = await chat.submit(STAFF, {
      action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Kaffe og en tur', urgent: 'false',
    });
    expect(replies.map((r) => visibleText(r.activity)).join('\n')).toContain(t('nb', 'request.savedTitle'));
    requestId = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = 'Kaffe og en tur'`))[0]!.id;
    offerIds = (await app.db.query<{ id: string }>(`SELECT id FROM offers WHERE request_id = $1 ORDER BY id`, [requestId])).map((r) => r.id);
    outboxId = (await app.db.query<{ id: number }>(`SELECT id FROM outbox WHERE kind = 'offers.send' AND ref_id = $1`, [requestId]))[0]!.id;
    expect(offerIds.length).toBeGreaterThan(2 * OFFER_SLICE_SIZE);

    const slices = await slicesOf(requestId);
    expect(slices.map((s) => s.id)).toEqual([0, 1, 2].map((i) => `offers-${requestId}-o${outboxId}.${i}`));
    expect(slices.flatMap((s) => s.offerIds)).toEqual(offerIds);
    expect(await app.queues.dispatch.getJob(dispatchJobId(outboxId))).toBeDefined();
  });

  it('the dispatch it queued adds the request\'s timers and no slices of its own', async () => {
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 4)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Tur til torget', urgent: 'false',
    });
    const id = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests WHERE summary = 'Tur til torget'`))[0]!.id;
    const row = (await app.db.query<{ id: number }>(`SELECT id FROM outbox WHERE kind = 'offers.send' AND ref_id = $1`, [id]))[0]!.id;
    const job = await app.queues.dispatch.getJob(dispatchJobId(row));
    expect(job!.data.sliced).toBe(true);
    const before = await slicesOf(id);
    await dispatchOutbox({ db: app.db, queues: app.queues, settings: jobSettings(app.config), now: () => new Date() }, row, { sliced: job!.data.sliced === true });
    expect(await slicesOf(id)).toEqual(before);
    expect(await queuedTimer(app.queues, `escalate-${id}-`)).toBeDefined();
  });

  it('the dispatch after it, with the first slice sent already, queues nothing new and leaves no offer out', async () => {
    // The first slice has gone: what is unsent now starts at the second slice's first offer.
    const sent = offerIds.slice(0, OFFER_SLICE_SIZE);
    await app.db.query(
      `INSERT INTO offer_deliveries (offer_id, sent_at, channel_id, conversation_id, activity_id)
       SELECT id, now(), 'webchat', 'turn-' || id, 'a-' || id FROM unnest($1::uuid[]) AS id`,
      [sent],
    );
    const before = await slicesOf(requestId);
    await dispatchOutbox({ db: app.db, queues: app.queues, settings: jobSettings(app.config), now: () => new Date() }, outboxId);

    expect(await slicesOf(requestId)).toEqual(before);
    const unsent = offerIds.filter((id) => !sent.includes(id));
    const queued = new Set(before.flatMap((s) => s.offerIds));
    expect(unsent.filter((id) => !queued.has(id)), 'unsent offers in no slice').toEqual([]);
    expect((await app.db.query<{ dispatched_at: Date | null }>(`SELECT dispatched_at FROM outbox WHERE id = $1`, [outboxId]))[0]!.dispatched_at).not.toBeNull();
  });
});
