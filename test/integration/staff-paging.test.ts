// Issue 14c: staff's long lists come a page at a time behind «Vis flere», and a police-certificate
// date is saved for the volunteer whose own field it was typed in. Over HTTP, read at the fake connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, type ChatDriver } from '../support/chat.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';

const textOf = (replies: Awaited<ReturnType<ChatDriver['say']>>) => replies.map((r) => visibleText(r.activity)).join('\n');
const actionsOf = (replies: Awaited<ReturnType<ChatDriver['say']>>) => replies.flatMap((r) => cardActions(r.activity));
const moreOf = (replies: Awaited<ReturnType<ChatDriver['say']>>, verb: string) => actionsOf(replies).filter((a) => a.action === verb);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp();
  chat = chatDriver(app, connector);
  await chat.say(STAFF, 'hei');
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('«Vis flere» on the volunteer list', () => {
  it('shows the next page, then the rest, and every volunteer exactly once', async () => {
    const seen = new Set<string>();
    const take = (replies: Awaited<ReturnType<ChatDriver['say']>>) => {
      for (const a of actionsOf(replies)) if (a.action === 'staff.volunteer.police') seen.add(String(a.volunteerId));
    };

    const first = await chat.submit(STAFF, { action: 'staff.volunteers.list' });
    const total = Number(/Viser 20 av (\d+)\./.exec(textOf(first))?.[1]);
    expect(total).toBeGreaterThan(40); // the demo centre's volunteers: three pages
    take(first);
    expect(moreOf(first, 'staff.volunteers.more')).toEqual([{ action: 'staff.volunteers.more', offset: 20 }]);

    const second = await chat.submit(STAFF, moreOf(first, 'staff.volunteers.more')[0]!);
    expect(textOf(second)).toContain(`Viser 21–40 av ${total}.`);
    take(second);
    expect(seen.size).toBe(40);
    const third = await chat.submit(STAFF, moreOf(second, 'staff.volunteers.more')[0]!);
    expect(textOf(third)).toContain(`Viser 41–${total} av ${total}.`);
    expect(moreOf(third, 'staff.volunteers.more')).toEqual([]);
    take(third);
    expect(seen.size).toBe(total);
  });

  it('saves a police date for the volunteer whose own field it was, and redraws that page', async () => {
    const page2 = await chat.submit(STAFF, { action: 'staff.volunteers.more', offset: 20 });
    const police = actionsOf(page2).filter((a) => a.action === 'staff.volunteer.police');
    const [mine, other] = [police[3]!, police[4]!];
    expect(mine.offset).toBe(20);
    const date = osloDate(addDays(new Date(), -10));
    // As the client sends it: the button's data plus that volunteer's own date field.
    const replies = await chat.submit(STAFF, { ...mine, [`checkedOn-${String(mine.volunteerId)}`]: date });
    expect(textOf(replies)).toContain('Viser 21–40 av');
    const rows = await app.db.query<{ member_id: string; police: string | null }>(
      `SELECT member_id, police_certificate_checked_on::text AS police FROM volunteers WHERE member_id = ANY($1::uuid[])`, [[mine.volunteerId, other.volunteerId]]);
    const byId = new Map(rows.map((r) => [r.member_id, r.police]));
    expect(byId.get(String(mine.volunteerId))).toBe(date);
    expect(byId.get(String(other.volunteerId))).not.toBe(date);
  });

  it('a tap without a valid date changes nothing', async () => {
    const page = await chat.submit(STAFF, { action: 'staff.volunteers.list' });
    const police = actionsOf(page).find((a) => a.action === 'staff.volunteer.police')!;
    const before = await app.db.query<{ police: string | null }>(`SELECT police_certificate_checked_on::text AS police FROM volunteers WHERE member_id = $1`, [police.volunteerId]);
    const replies = await chat.submit(STAFF, { ...police, [`checkedOn-${String(police.volunteerId)}`]: '2026-02-30' });
    expect(textOf(replies)).not.toContain('Frivillige');
    const after = await app.db.query<{ police: string | null }>(`SELECT police_certificate_checked_on::text AS police FROM volunteers WHERE member_id = $1`, [police.volunteerId]);
    expect(after).toEqual(before);
  });
});

describe('«Vis flere» on the staff request list', () => {
  it('with 25 requests, shows 20 and then the other 5', async () => {
    const personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`))[0]!.id;
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId, group: 'besoksvenn', date: osloDate(addDays(new Date(), 3)), time: '14:00', durationMinutes: '90',
      district: 'Sentrum', meetingPlace: '', summary: 'Besøk nummer 1', handoverNote: '', contactName: '', contactPhone: '', language: '',
      policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false',
    });
    const [{ id }] = (await app.db.query<{ id: string }>(`SELECT id FROM help_requests ORDER BY created_at DESC LIMIT 1`)) as [{ id: string }];
    // 24 more like it, done long ago: the list only has to count and page them.
    for (let i = 1; i < 25; i++) {
      await app.db.query(
        `INSERT INTO help_requests SELECT (jsonb_populate_record(NULL::help_requests, to_jsonb(r) || jsonb_build_object('id', gen_random_uuid(), 'status', 'done', 'summary', 'Besøk nummer ' || $2::int + 1))).* FROM help_requests r WHERE id = $1`,
        [id, i]);
    }
    const [{ n: total }] = (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM help_requests WHERE centre_id = (SELECT centre_id FROM help_requests WHERE id = $1)`, [id])) as [{ n: number }];
    expect(total).toBeGreaterThanOrEqual(25);

    const first = await chat.submit(STAFF, { action: 'staff.requests.list' });
    expect(textOf(first)).toContain(`Viser 20 av ${total}.`);
    const more = moreOf(first, 'staff.requests.more');
    expect(more).toEqual([{ action: 'staff.requests.more', offset: 20 }]);
    const rest = await chat.submit(STAFF, more[0]!);
    const text = textOf(rest);
    expect(text).toContain(`Viser 21–${Math.min(total, 40)} av ${total}.`);
    const summaries = (t: string) => [...t.matchAll(/Besøk nummer (\d+)/g)].map((m) => m[1]);
    const all = [...summaries(textOf(first.slice(0, 1))), ...summaries(text)];
    expect(new Set(all).size).toBe(25);
  });
});
