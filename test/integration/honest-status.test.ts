// What the bot tells a person must be true when they read it (issue 14): at night the offers wait for
// the morning, so the poster hears «sendes kl. 08:00», not «sendt ut», and their list says the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { todayInOslo } from '../../bot/forms.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const clock = new VirtualClock();
const STAFF = 'demo-ansatt-1';
let personId: string;

// 23:00 in Oslo, a week from now: inside the default quiet hours (21:00–08:00).
const night = (() => {
  const d = addDays(new Date(), 7);
  const local = new TZDate(d.getTime(), 'Europe/Oslo');
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), 23, 0, 'Europe/Oslo').getTime());
})();

const request = (over: Record<string, unknown> = {}) => ({
  action: 'staff.request.submit', personId, group: 'besoksvenn', date: todayInOslo(addDays(night, 3)), time: '14:00', durationMinutes: '90',
  district: 'Sentrum', meetingPlace: '', summary: 'Besøk og en kopp kaffe', handoverNote: '', contactName: '', contactPhone: '', language: '',
  policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false', ...over,
});

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000', QUIET_HOURS_START: '21:00', QUIET_HOURS_END: '08:00' }, now: clock.now });
  clock.set(night);
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
    expect(answer).toContain('sendes til frivillige kl. 08:00');
    expect(answer).not.toContain('sendt ut');
    const list = await chat.submit(STAFF, { action: 'staff.requests.list' });
    const listed = list.map((c) => visibleText(c.activity)).join('\n');
    expect(listed).toContain('Sendes til frivillige kl. 08:00');
    expect(listed).not.toMatch(/Sendt ut til \d+ frivillig/);
    // Staff may see whom each request is for, in their own chat.
    expect(listed).toContain('Gerd Solberg');
  });

  it('an urgent one goes at once and says so', async () => {
    const replies = await chat.submit(STAFF, request({ urgent: 'true', summary: 'Handle mat i dag' }));
    expect(visibleText(replies.at(-1)!.activity)).toContain('sendt ut til frivillige');
  });
});
