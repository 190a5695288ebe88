// The store's contract, run against every database kind available: PGlite always, PostgreSQL when
// DATABASE_URL is set (CI). Same migrations, same queries, same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, type TestDatabase } from '../support/db.ts';
import { migrate } from '../../infra/migrate.ts';
import { ensureDeclaration } from '../../infra/centres.ts';
import { seedDemo, DEMO_CENTRE } from '../../infra/seed-demo.ts';
import { postRequest } from '../../use-cases/post-request.ts';
import { acceptOffer } from '../../infra/offers.ts';
import { audit, auditReveals } from '../../infra/audit.ts';
import type { Database } from '../../infra/db.ts';
import { addOutbox, pendingOutbox, markDispatched } from '../../infra/outbox.ts';
import { addDays } from 'date-fns';
import { osloDate } from '../../domain/time-zone.ts';

for (const kind of databaseKinds()) {
  describe(`store on ${kind.kind}`, () => {
    let t: TestDatabase;
    let staffId: string;
    let personId: string;

    beforeAll(async () => {
      t = await kind.create();
      expect(await migrate(t.db)).toContain('0001_core.sql');
      await ensureDeclaration(t.db);
      await seedDemo(t.db);
      staffId = (await t.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = 'demo-ansatt-1'`))[0]!.member_id;
      personId = (await t.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Jon Aas'`))[0]!.id;
    });
    afterAll(async () => t?.close());

    it('applies migrations once', async () => {
      expect(await migrate(t.db)).toEqual([]);
      expect((await seedDemo(t.db)).created).toBe(false);
    });

    it('returns timestamps as Dates, dates as strings and counts as numbers', async () => {
      const [r] = await t.db.query<{ n: Date; d: string; c: number }>(`SELECT now() AS n, '2026-01-02'::date AS d, count(*)::bigint AS c FROM members`);
      expect(r!.n).toBeInstanceOf(Date);
      expect(r!.d).toBe('2026-01-02');
      expect(r!.c).toBe(66); // the demo seed: 60 volunteers, 3 staff, 2 caregivers, 1 person helped who asks for themselves
    });

    it('rolls back a failed transaction', async () => {
      await expect(
        t.db.transaction(async (tx) => {
          await tx.query(`INSERT INTO centres (id, name) VALUES ('rollback', 'x')`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await t.db.query(`SELECT 1 FROM centres WHERE id = 'rollback'`)).toHaveLength(0);
    });

    it('keeps the audit log append-only', async () => {
      await audit(t.db, { actorId: staffId, action: 'reveal', personId, at: new Date() });
      await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await expect(t.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    });

    it('hands out outbox rows until they are dispatched', async () => {
      const id = await addOutbox(t.db, 'offers.send', 'x');
      expect((await pendingOutbox(t.db, 100)).map((r) => r.id)).toContain(id);
      await markDispatched(t.db, id);
      expect((await pendingOutbox(t.db, 100)).map((r) => r.id)).not.toContain(id);
    });

    it('lets exactly one of many concurrent accepts win', async () => {
      const created = await postRequest(t.db, {
        centreId: DEMO_CENTRE.id,
        createdBy: staffId,
        source: 'chat',
        now: new Date(),
        matching: { waveSize: 1000, maxDistanceKm: 10 },
        fields: {
          personId, group: 'turvenn', date: osloDate(addDays(new Date(), 3)), time: '10:00', durationMinutes: 60, flexibleUntilTime: null,
          district: 'Sentrum', meetingPlace: null, summary: 'En tur langs Mjøsa', handoverNote: null, contactName: null, contactPhone: null,
          language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false, urgent: false,
        },
      });
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      const offers = await t.db.query<{ id: string; volunteer_id: string }>('SELECT id, volunteer_id FROM offers WHERE request_id = $1', [created.requestId]);
      expect(offers.length).toBeGreaterThanOrEqual(20);
      const results = await Promise.all(
        offers.map((o) => acceptOffer(t.db, { offerId: o.id, volunteerId: o.volunteer_id, channelId: 'test', now: new Date() })),
      );
      expect(results.filter((r) => r.outcome === 'won')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'taken')).toHaveLength(offers.length - 1);
      expect(await t.db.query(`SELECT 1 FROM assignments WHERE request_id = $1`, [created.requestId])).toHaveLength(1);
      // Someone else's offer id is not yours to accept.
      const other = await acceptOffer(t.db, { offerId: offers[0]!.id, volunteerId: offers[1]!.volunteer_id, channelId: 'test', now: new Date() });
      expect(other.outcome).toBe('not_found');
    });
    it('writes concurrent reveals in fewer statements, each caller settled once its own row is committed, and one bad row fails only its caller', async () => {
      // The same database, counting what it is sent: the reveals of 40 turns at once share statements.
      let statements = 0;
      const counted: Database = { ...t.db, query: (sql, params) => (statements++, t.db.query(sql, params)) };
      const requestIds = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const reveal = (requestId: string) => auditReveals(counted, { actorId: staffId, fields: ['name', 'address'], channelId: 'test', at: new Date(), items: [{ requestId, personId }] });
      await Promise.all(requestIds.map(async (id) => {
        await reveal(id);
        // Settled means committed: the row is there for anyone to read.
        expect(await t.db.query(`SELECT 1 FROM audit_log WHERE request_id = $1 AND action = 'reveal' AND fields = '{name,address}'`, [id])).toHaveLength(1);
      }));
      expect(statements).toBeLessThan(40);
      expect(statements).toBeGreaterThan(0);

      const good = '00000000-0000-4000-8000-999999999999';
      const results = await Promise.allSettled([reveal(requestIds[0]!), reveal('not-a-uuid'), reveal(good)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await t.db.query(`SELECT 1 FROM audit_log WHERE request_id = $1`, [good])).toHaveLength(1);
    });

    it('inside a transaction, a reveal commits or rolls back with it', async () => {
      const id = '00000000-0000-4000-8000-888888888888';
      await expect(t.db.transaction(async (tx) => {
        await auditReveals(tx, { actorId: staffId, fields: ['name'], channelId: 'test', at: new Date(), items: [{ requestId: id, personId }] });
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await t.db.query(`SELECT 1 FROM audit_log WHERE request_id = $1`, [id])).toHaveLength(0);
    });

    it('still answers a statement whose table gained a column since it was first run (a migration by a newer version)', async () => {
      await t.db.exec(`CREATE TABLE plan_change (id int PRIMARY KEY, a text); INSERT INTO plan_change VALUES (1, 'x')`);
      // Every connection of the pool has run it (prepared it, on PostgreSQL) before the change.
      await Promise.all(Array.from({ length: 30 }, () => t.db.query(`SELECT * FROM plan_change WHERE id = $1`, [1])));
      await t.db.exec(`ALTER TABLE plan_change ADD COLUMN b text DEFAULT 'y'`);
      const after = await Promise.all(Array.from({ length: 30 }, () => t.db.query(`SELECT * FROM plan_change WHERE id = $1`, [1])));
      expect(after.every((rows) => (rows[0] as { b?: string }).b === 'y')).toBe(true);
      // Inside a transaction it cannot be run again; once refused, the next transaction is answered.
      await t.db.exec(`ALTER TABLE plan_change ADD COLUMN c text DEFAULT 'z'`);
      const inTx = () => t.db.transaction((tx) => tx.query<{ c?: string }>(`SELECT * FROM plan_change WHERE id = $1`, [1]));
      const first = await inTx().catch(() => null);
      const second = await inTx();
      expect(second[0]!.c).toBe('z');
      if (first) expect(first[0]!.c).toBe('z');
    });
  });
}
