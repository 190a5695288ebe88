// Politiattest (issue 18): a check counts for the centre's validity (default three years); a request
// that requires one — by its own flag or because its interest group always does — goes only to
// volunteers whose check still counts. 60 days before it runs out the volunteer and the centre's
// coordinator are told how to renew, once per check; the volunteer's status says why offers stopped;
// the report counts valid, expiring and expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, subDays, subMonths } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, type ChatDriver } from '../support/chat.ts';
import { dailyUpkeep } from '../../jobs/upkeep.ts';
import { jobSettings } from '../../jobs/settings.ts';
import { createLogger } from '../../infra/log.ts';
import { reportForDays, reportJson } from '../../infra/reports.ts';
import { policeCertificateExpiry, policeCertificateStatus } from '../../domain/police-certificate.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const ids: Record<string, string> = {};
const now = new Date();
const day = (d: Date) => osloDate(d);
// demo-frivillig-01…24 live in Sentrum, help with everything and are free every day 08–21.
const EXPIRED = 'demo-frivillig-03';
const EXPIRING = 'demo-frivillig-04';
const VALID = 'demo-frivillig-05';

const memberOf = async (userId: string) => (await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [userId]))[0]!.member_id;
const setChecked = (userId: string, date: string | null) => app.db.query(`UPDATE volunteers SET police_certificate_checked_on = $2 WHERE member_id = $1`, [ids[userId], date]);
const offeredTo = async (requestId: string) => (await app.db.query<{ volunteer_id: string }>(`SELECT volunteer_id FROM offers WHERE request_id = $1`, [requestId])).map((r) => r.volunteer_id);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  for (const u of [EXPIRED, EXPIRING, VALID, 'demo-ansatt-1']) ids[u] = await memberOf(u);
  // Three years and ten days ago; three years less thirty days ago; last year. Everyone else: none.
  await app.db.query(`UPDATE volunteers SET police_certificate_checked_on = NULL`);
  await setChecked(EXPIRED, day(subDays(subMonths(now, 36), 10)));
  await setChecked(EXPIRING, day(addDays(subMonths(now, 36), 30)));
  await setChecked(VALID, day(subMonths(now, 12)));
  // They have talked to Dugnad, so it can reach them.
  for (const u of [EXPIRED, EXPIRING, 'demo-ansatt-1']) await chat.say(u, 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('the rule', () => {
  it('counts from the check date for the validity, to the day in Oslo, and warns 60 days before', () => {
    expect(policeCertificateExpiry('2023-05-10', 36).toISOString()).toBe('2026-05-09T22:00:00.000Z');
    expect(policeCertificateExpiry('2024-01-31', 1).toISOString()).toBe('2024-02-28T23:00:00.000Z');
    const at = new Date('2026-03-15T12:00:00Z'); // 56 days before 10 May 2026
    expect(policeCertificateStatus('2023-05-10', 36, at).state).toBe('expiring');
    expect(policeCertificateStatus('2023-06-10', 36, at).state).toBe('valid');
    expect(policeCertificateStatus('2023-02-10', 36, at).state).toBe('expired');
    expect(policeCertificateStatus('2023-02-10', 60, at).state).toBe('valid');
    expect(policeCertificateStatus(null, 36, at).state).toBe('missing');
    // A date after today is a typing error until that day comes.
    expect(policeCertificateStatus('2026-04-01', 36, at).state).toBe('missing');
  });
});

describe('offers that require a politiattest', () => {
  const post = async (over: Record<string, string>) => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: day(addDays(now, 4)), time: '12:00', durationMinutes: '60',
      district: 'Sentrum', summary: 'Besøk og en prat', ...over,
    });
    return (await app.db.query<{ id: string; police_certificate: boolean }>(`SELECT id, police_certificate FROM help_requests ORDER BY created_at DESC LIMIT 1`))[0]!;
  };

  it('go to a volunteer whose check still counts (also one about to run out), never to one whose has run out', async () => {
    const request = await post({ policeCertificate: 'true', summary: 'Leksehjelp' });
    const offered = await offeredTo(request.id);
    expect(offered).toContain(ids[VALID]);
    expect(offered).toContain(ids[EXPIRING]);
    expect(offered).not.toContain(ids[EXPIRED]);
    expect(offered).toHaveLength(2);
    // Without the requirement, everyone who fits.
    expect(await offeredTo((await post({})).id)).toContain(ids[EXPIRED]);
  });

  it('follow the interest group when the coordinator says all its tasks require one', async () => {
    await chat.submit('demo-ansatt-1', { action: 'staff.police.save', validityYears: '3', requiredGroups: 'aktiviteter' });
    const request = await post({ group: 'aktiviteter' });
    expect(request.police_certificate).toBe(true);
    expect(await offeredTo(request.id)).not.toContain(ids[EXPIRED]);
  });

  it('follow the centre’s validity: with five years, the old check counts again', async () => {
    await chat.submit('demo-ansatt-1', { action: 'staff.police.save', validityYears: '5', requiredGroups: 'aktiviteter' });
    expect(await offeredTo((await post({ group: 'aktiviteter' })).id)).toContain(ids[EXPIRED]);
    await chat.submit('demo-ansatt-1', { action: 'staff.police.save', validityYears: '3', requiredGroups: '' });
  });
});

describe('running out', () => {
  const upkeep = () => dailyUpkeep({ db: app.db, queues: app.queues, settings: jobSettings(app.config), log: createLogger('silent'), now: () => new Date(), outboxPollMs: 500 });
  const notices = (userId: string, text: string) => connector.captured.filter((c) => c.conversationId === `conv-${userId}` && visibleText(c.activity).includes(text));

  it('tells the volunteer and the coordinator how to renew, 60 days before, once', async () => {
    await upkeep();
    await connector.waitFor(() => notices(EXPIRING, 'Politiattesten din går snart ut').length === 1 && notices('demo-ansatt-1', 'Politiattest går ut').length === 1);
    const volunteerNotice = notices(EXPIRING, 'Politiattesten din går snart ut')[0]!.activity;
    expect(visibleText(volunteerNotice)).toContain('politiet.no/politiattest');
    expect(JSON.stringify(volunteerNotice)).toContain('"url":"https://www.politiet.no/politiattest"');
    const [name] = await app.db.query<{ name: string }>(`SELECT name FROM members WHERE id = $1`, [ids[EXPIRING]]);
    expect(visibleText(notices('demo-ansatt-1', 'Politiattest går ut')[0]!.activity)).toContain(name!.name);
    // Run out already when first seen: shown in the status and lists, not announced.
    expect(notices(EXPIRED, 'Politiattesten din går snart ut')).toHaveLength(0);

    await upkeep();
    await new Promise((r) => setTimeout(r, 1500));
    expect(notices(EXPIRING, 'Politiattesten din går snart ut')).toHaveLength(1);
  });

  it('a renewed check is not announced: nothing runs out', async () => {
    await setChecked(EXPIRING, day(subDays(now, 1)));
    const before = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM volunteers WHERE police_renewal_notified_for IS NOT NULL`);
    await upkeep();
    const after = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM volunteers WHERE police_renewal_notified_for IS NOT NULL`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('the volunteer’s status says why offers that need one stopped, and how to renew', async () => {
    const [status] = await chat.say(EXPIRED, 'status');
    const text = visibleText(status!.activity);
    expect(text).toContain('Politiattesten din gikk ut');
    expect(text).toContain('du får ikke oppdrag som krever politiattest');
    expect(JSON.stringify(status!.activity)).toContain('https://www.politiet.no/politiattest');
  });

  it('the report counts valid, expiring and expired among the centre’s volunteers', async () => {
    await setChecked(EXPIRING, day(addDays(subMonths(now, 36), 30)));
    for (let i = 6; i <= 11; i++) await app.db.query(`UPDATE volunteers SET police_certificate_checked_on = $2 WHERE member_id = $1`, [await memberOf(`demo-frivillig-${String(i).padStart(2, '0')}`), day(subMonths(now, 6))]);
    const { report, presented } = await reportForDays(app.db, { centreId: 'hamar', from: day(subDays(now, 30)), to: day(now), groupBy: [] });
    expect(report.policeCertificates).toMatchObject({ valid: 7, expiring: 1, expired: 1 });
    // Counts of people leave the system with the small-count rule.
    expect(JSON.parse(reportJson(presented)).policeCertificates).toMatchObject({ valid: 7, expiring: '<5', expired: '<5' });
  });
});
