// The statements the hot paths were folded into (docs/benchmarks.md) answer what the separate reads
// answered: where and in which language an offer goes (the person's channels, in their order), the delivery record says whether the card is still live, and a turn's account touch returns the
// member and writes only when something changed, and a late accept is answered with what its closed
// card needs. PGlite always, PostgreSQL when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { databaseKinds, type TestDatabase } from '../support/db.ts';
import { insertReachableVolunteers } from '../support/volunteers.ts';
import { migrate } from '../../infra/migrate.ts';
import { ensureDeclaration } from '../../infra/centres.ts';
import { seedDemo, DEMO_CENTRE } from '../../infra/seed-demo.ts';
import { cancelRequest } from '../../infra/requests.ts';
import { postRequest } from '../../use-cases/post-request.ts';
import { acceptOffer, offerForSend, offersForSlice, offersToClose, recordOfferDelivered, recordOffersDelivered } from '../../infra/offers.ts';
import { openPostgres } from '../../infra/db.ts';
import { withdrawOffersAt } from '../../infra/volunteers.ts';
import { getMember, linkAccount, touchAccount } from '../../infra/identities.ts';
import { reachOf } from '../../infra/channels.ts';
import { getNoticeCard, recordNoticeCard } from '../../infra/notice-cards.ts';
import { channelOrder } from '../../domain/channels.ts';
import { osloDate } from '../../domain/time-zone.ts';

for (const kind of databaseKinds()) {
  describe(`hot paths on ${kind.kind}`, () => {
    let t: TestDatabase;
    let staffId: string;
    let personId: string;

    beforeAll(async () => {
      t = await kind.create();
      await migrate(t.db);
      await ensureDeclaration(t.db);
      await seedDemo(t.db);
      await insertReachableVolunteers(t.db, 3, 'http://127.0.0.1:1', 'hot');
      staffId = (await t.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = 'demo-ansatt-1'`))[0]!.member_id;
      personId = (await t.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
    });
    afterAll(async () => t?.close());

    async function newRequest(summary: string): Promise<string> {
      const created = await postRequest(t.db, {
        centreId: DEMO_CENTRE.id, createdBy: staffId, source: 'chat', now: new Date(), matching: { waveSize: 1000, maxDistanceKm: 10 },
        fields: {
          personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '14:00', durationMinutes: 60, flexibleUntilTime: null,
          district: 'Sentrum', meetingPlace: null, summary, handoverNote: null, contactName: null, contactPhone: null,
          language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false, urgent: false,
        },
      });
      if (!created.ok) throw new Error('request not created');
      return created.requestId;
    }
    // The first test marks one volunteer as gone; the later ones race among those still here.
    const offersOf = (requestId: string) => t.db.query<{ id: string; volunteer_id: string }>(
      'SELECT o.id, o.volunteer_id FROM offers o JOIN members m ON m.id = o.volunteer_id AND m.left_at IS NULL WHERE o.request_id = $1 ORDER BY o.id', [requestId]);

    it('reads where and in which language an offer goes: the channel used last, the volunteer\'s language; nowhere once they left', async () => {
      const requestId = await newRequest('Send-lesing');
      const offers = await offersOf(requestId);
      expect(offers.length).toBeGreaterThanOrEqual(3);
      // One volunteer chose English and has a second, newer account elsewhere; one has left.
      const [a, b] = offers.filter((o) => o.volunteer_id !== offers[0]!.volunteer_id).slice(0, 2);
      await t.db.query(`UPDATE members SET locale = 'en' WHERE id = $1`, [a!.volunteer_id]);
      await t.db.query(
        `INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref, last_seen_at)
         VALUES ('msteams', 'hot-teams', $1, '{"serviceUrl":"http://x","channelId":"msteams","conversation":{"id":"hot-teams-conv"},"bot":{"id":"b"},"user":{"id":"u"}}', now() + interval '1 minute')`,
        [a!.volunteer_id],
      );
      await t.db.query(`UPDATE members SET left_at = now() WHERE id = $1`, [b!.volunteer_id]);
      let reachable = 0;
      for (const o of offers) {
        const [read, reach, member] = await Promise.all([offerForSend(t.db, o.id), reachOf(t.db, o.volunteer_id), getMember(t.db, o.volunteer_id)]);
        expect(read?.offerId).toBe(o.id);
        expect(read?.request.id).toBe(requestId);
        if (reach && member) expect(reach.locale).toBe(member.locale);
        if (reach && channelOrder(reach.preferred, reach.addresses).length > 0) reachable++;
      }
      expect(reachable).toBeGreaterThanOrEqual(2);
      const first = await reachOf(t.db, a!.volunteer_id);
      expect(first?.locale).toBe('en');
      expect(channelOrder(first!.preferred, first!.addresses)[0]).toMatchObject({ channelId: 'msteams', ref: { conversation: { id: 'hot-teams-conv' } } });
      expect(await reachOf(t.db, b!.volunteer_id)).toBeNull();
    });

    it('records a delivery and says whether its card is still live', async () => {
      const taken = await newRequest('Levering, tatt');
      const [winner, sent, late] = await offersOf(taken);
      const deliver = (requestId: string, offerId: string) => recordOfferDelivered(t.db, { requestId, offerId, channelId: 'webchat', conversationId: 'c', activityId: `act-${offerId}`, at: new Date() });
      expect(await deliver(taken, sent!.id)).toEqual({ offerStatus: 'pending', requestStatus: 'open' });
      expect((await acceptOffer(t.db, { offerId: winner!.id, volunteerId: winner!.volunteer_id, channelId: 'test', now: new Date() })).outcome).toBe('won');
      expect(await deliver(taken, late!.id)).toEqual({ offerStatus: 'taken', requestStatus: 'taken' });
      expect((await t.db.query<{ activity_id: string }>('SELECT activity_id FROM offer_deliveries WHERE offer_id = $1', [late!.id]))[0]?.activity_id).toBe(`act-${late!.id}`);

      // A cancel leaves the offers as they were; the request's status tells.
      const cancelled = await newRequest('Levering, avlyst');
      const [offer] = await offersOf(cancelled);
      expect(await cancelRequest(t.db, { requestId: cancelled, centreId: DEMO_CENTRE.id, by: staffId, now: new Date() })).toBeTruthy();
      expect((await deliver(cancelled, offer!.id))?.requestStatus).toBe('cancelled');
      expect(await recordOfferDelivered(t.db, { requestId: taken, offerId: '00000000-0000-4000-8000-000000000000', channelId: 'webchat', conversationId: 'c', activityId: 'x', at: new Date() })).toBeNull();
    });

    it('answers an accept on a request already taken or cancelled with the request for its closed card, and changes nothing else', async () => {
      const accept = (o: { id: string; volunteer_id: string }) => acceptOffer(t.db, { offerId: o.id, volunteerId: o.volunteer_id, channelId: 'test', now: new Date() });
      const taken = await newRequest('Sen aksept');
      const [winner, late] = await offersOf(taken);
      expect((await accept(winner!)).outcome).toBe('won');
      const answer = await accept(late!);
      expect(answer).toMatchObject({ outcome: 'taken', request: { id: taken, summary: 'Sen aksept' } });
      expect(await t.db.query(`SELECT volunteer_id FROM assignments WHERE request_id = $1`, [taken])).toEqual([{ volunteer_id: winner!.volunteer_id }]);

      const cancelled = await newRequest('Aksept etter avlysning');
      const [offer] = await offersOf(cancelled);
      await cancelRequest(t.db, { requestId: cancelled, centreId: DEMO_CENTRE.id, by: staffId, now: new Date() });
      expect(await accept(offer!)).toMatchObject({ outcome: 'cancelled', request: { id: cancelled } });
      expect((await t.db.query<{ status: string }>('SELECT status FROM offers WHERE id = $1', [offer!.id]))[0]?.status).toBe('withdrawn');
      expect(await t.db.query('SELECT 1 FROM assignments WHERE request_id = $1', [cancelled])).toHaveLength(0);
    });

    it('a late press whose own turn draws the card again marks it closed, so the workers leave it; a Teams invoke or a pushed offer does not', async () => {
      const requestId = await newRequest('Kort lukket av trykket');
      const [winner, webChat, teams, pushed] = await offersOf(requestId);
      // Delivered: each card is on its volunteer's screen; one also announced by push.
      for (const o of [winner, webChat, teams, pushed]) await t.db.query(`INSERT INTO offer_deliveries (offer_id, sent_at, channel_id, conversation_id, activity_id) VALUES ($1, now(), 'webchat', 'c', $2)`, [o!.id, `card-${o!.id}`]);
      await t.db.query(`UPDATE offer_deliveries SET pushed_at = now() WHERE offer_id = $1`, [pushed!.id]);
      const accept = (o: { id: string; volunteer_id: string }, pressedCard: string | null) =>
        acceptOffer(t.db, { offerId: o.id, volunteerId: o.volunteer_id, channelId: 'webchat', now: new Date(), pressedCard });
      expect((await accept(winner!, `card-${winner!.id}`)).outcome).toBe('won');
      expect((await accept(webChat!, `card-${webChat!.id}`)).outcome).toBe('taken');
      expect((await accept(teams!, null)).outcome).toBe('taken');
      expect((await accept(pushed!, `card-${pushed!.id}`)).outcome).toBe('taken');
      const closed = await t.db.query<{ id: string }>(`SELECT id FROM offers WHERE request_id = $1 AND closed_card_sent_at IS NOT NULL`, [requestId]);
      expect(closed.map((r) => r.id)).toEqual([webChat!.id]);
      expect(new Set(await offersToClose(t.db, requestId))).toEqual(new Set([teams!.id, pushed!.id]));
      expect((await offerForSend(t.db, webChat!.id))?.closedCardSent).toBe(true);
    });

    it('says, when an escalation card is recorded, whether its request was settled while the card was on its way', async () => {
      const open = await newRequest('Kort på vei, åpen');
      const taken = await newRequest('Kort på vei, tatt');
      const [winner] = await offersOf(taken);
      expect((await acceptOffer(t.db, { offerId: winner!.id, volunteerId: winner!.volunteer_id, channelId: 'test', now: new Date() })).outcome).toBe('won');
      const card = (requestId: string) => recordNoticeCard(t.db, { requestId, message: 'staff.escalation', to: { memberId: staffId }, channelId: 'webchat', conversationId: 'c', activityId: `esc-${requestId}`, at: new Date() });
      expect((await card(open)).settled).toBe(false);
      const kept = await card(taken);
      expect(kept.settled).toBe(true);
      expect((await getNoticeCard(t.db, kept.id))?.requestId).toBe(taken);
    });

    it('records a slice\'s deliveries with each offer as it stands at the commit: a withdrawal in flight is waited for and returned', async () => {
      const requestId = await newRequest('Levert mens frivillig trekkes');
      const [kept, withdrawn] = await offersOf(requestId);
      const sent = [kept!, withdrawn!].map((o) => ({ offerId: o.id, channelId: 'webchat', conversationId: `c-${o.id}`, activityId: `card-${o.id}` }));
      let recorded: Promise<Awaited<ReturnType<typeof recordOffersDelivered>>> | undefined;
      // The volunteer loses their standing at the centre while the slice's cards are on their way: their
      // offers are withdrawn without touching the request row, so only the offer's own lock orders the two.
      await t.db.transaction(async (tx) => {
        await withdrawOffersAt(tx, withdrawn!.volunteer_id, null);
        recorded = recordOffersDelivered(t.db, requestId, sent, new Date());
        if (kind.kind === 'postgres') {
          const waiting = async () => (await t.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%offer_deliveries%'`)).length > 0;
          for (let i = 0; i < 200 && !(await waiting()); i++) await new Promise((ok) => setTimeout(ok, 10));
          expect(await waiting(), 'the record waits for the withdrawal').toBe(true);
        }
      });
      const statuses = new Map((await recorded!).map((r) => [r.offerId, r.offerStatus]));
      expect(statuses).toEqual(new Map([[kept!.id, 'pending'], [withdrawn!.id, 'withdrawn']]));
      // Both recorded: the withdrawn one's card is closed by the caller, the other stays live.
      expect(new Set(await offersToClose(t.db, requestId))).toEqual(new Set([kept!.id, withdrawn!.id]));
      expect((await offerForSend(t.db, kept!.id))).toMatchObject({ activityId: `card-${kept!.id}`, conversationId: `c-${kept!.id}`, channelId: 'webchat', pushedAt: null });
      // A slice run again records the latest card and keeps the first delivery time.
      const first = (await t.db.query<{ sent_at: Date }>('SELECT sent_at FROM offer_deliveries WHERE offer_id = $1', [kept!.id]))[0]!.sent_at;
      await recordOffersDelivered(t.db, requestId, [{ ...sent[0]!, activityId: 'card-again' }], new Date(Date.now() + 60_000));
      expect(await t.db.query('SELECT sent_at, activity_id FROM offer_deliveries WHERE offer_id = $1', [kept!.id])).toEqual([{ sent_at: first, activity_id: 'card-again' }]);
    });

    it('plans a slice\'s read and its delivery record on each run, and keeps the rest prepared', async () => {
      if (kind.kind !== 'postgres') return;
      const requestId = await newRequest('Planlagt hver gang');
      const offers = await offersOf(requestId);
      // One connection, so the statements it prepared are the ones asked about.
      const one = openPostgres(t.url!, 1);
      try {
        await offersForSlice(one, offers.map((o) => o.id), new Date());
        await recordOffersDelivered(one, requestId, [{ offerId: offers[0]!.id, channelId: 'webchat', conversationId: 'c', activityId: 'card' }], new Date());
        await offerForSend(one, offers[0]!.id);
        const prepared = (await one.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((r) => r.statement);
        expect(prepared.some((sql) => sql.includes('o.id = ANY($1::uuid[])')), 'the slice read').toBe(false);
        expect(prepared.some((sql) => sql.includes('INSERT INTO offer_deliveries')), 'the delivery record').toBe(false);
        expect(prepared.some((sql) => sql.includes('WHERE o.id = $1')), 'a single offer\'s read').toBe(true);
      } finally {
        await one.close();
      }
    });

    it('touches an account in one statement that writes only when something changed, and returns its member', async () => {
      const [vol] = await t.db.query<{ member_id: string }>(`SELECT c.member_id FROM chat_identities c JOIN members m ON m.id = c.member_id AND m.left_at IS NULL WHERE c.user_id LIKE 'hot-%' AND c.channel_id = 'webchat'
            AND NOT EXISTS (SELECT 1 FROM chat_identities o WHERE o.member_id = c.member_id AND o.user_id <> c.user_id) LIMIT 1`); // one account only
      const memberId = vol!.member_id;
      const account = { channelId: 'webchat', userId: 'hot-touch', tenantId: null };
      const ref = (activityId: string, conv = 'hot-touch-conv') => ({ activityId, serviceUrl: 'http://x', channelId: 'webchat', conversation: { id: conv }, bot: { id: 'b' }, user: { id: 'hot-touch' } });
      const touch = (r: unknown) => touchAccount(t.db, account, r, { allowDevIdentities: false });
      const row = async () => (await t.db.query<{ v: string; locked_by: string; conversation_ref: { conversation: { id: string } } | null; unreachable_at: Date | null; last_seen_at: Date | null }>(
        `SELECT xmin::text AS v, xmax::text AS locked_by, conversation_ref, unreachable_at, last_seen_at FROM chat_identities WHERE channel_id = 'webchat' AND user_id = 'hot-touch'`))[0]!;

      expect(await touch(ref('a1'))).toBeNull(); // a stranger: recorded, no member
      await linkAccount(t.db, account, memberId);
      expect(await touch(ref('a2'))).toEqual(await getMember(t.db, memberId));
      expect((await touch(ref('a2')))?.id).toBe(memberId);
      const { v: quiet, locked_by: lockedBefore } = await row();
      expect(await touch(ref('a3'))).toEqual(await getMember(t.db, memberId)); // only the activity id differs
      expect((await row()).v).toBe(quiet);
      expect((await row()).locked_by).toBe(lockedBefore); // not even locked: no transaction id, no WAL flush
      expect(await touch(null)).toEqual(await getMember(t.db, memberId)); // a group chat keeps the personal reference
      expect((await row()).v).toBe(quiet);

      await touch(ref('a4', 'hot-touch-conv-2'));
      expect((await row()).conversation_ref?.conversation.id).toBe('hot-touch-conv-2');
      await t.db.query(`UPDATE chat_identities SET unreachable_at = now() WHERE user_id = 'hot-touch'`);
      await touch(ref('a5', 'hot-touch-conv-2'));
      expect((await row()).unreachable_at).toBeNull();
      await t.db.query(`UPDATE chat_identities SET last_seen_at = now() - interval '1 hour' WHERE user_id = 'hot-touch'`);
      await touch(ref('a6', 'hot-touch-conv-2'));
      expect((await row()).last_seen_at!.getTime()).toBeGreaterThan(Date.now() - 60_000);
      // Another account of theirs was used since: this one becomes the one used last again.
      await t.db.query(`UPDATE chat_identities SET last_seen_at = now() + interval '1 minute' WHERE member_id = $1 AND user_id <> 'hot-touch'`, [memberId]);
      const before = (await row()).v;
      await touch(ref('a7', 'hot-touch-conv-2'));
      expect((await row()).v).not.toBe(before);

      await t.db.query(`UPDATE members SET left_at = now() WHERE id = $1`, [memberId]);
      expect(await touch(ref('a8', 'hot-touch-conv-2'))).toBeNull();
    });
  });
}
