// Issue 19 by SMS at night: a person who asks at 23:30 is not told «we are looking for a volunteer»
// while quiet hours hold the offers until morning; the answer says when it goes out, and no offer has
// reached a volunteer when the answer comes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver } from '../support/chat.ts';
import { until } from '../support/wait.ts';
import { nextWednesdayMorning } from '../support/week.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { osloWallClock } from '../../domain/time-zone.ts';
import type { FakeSveve } from '../../infra/sms/fake-sveve.ts';

let app: TestApp;
let connector: FakeConnector;
let fake: FakeSveve;
let menusShown = 0;
const clock = new VirtualClock();
const NUMBER = '4791112299';
const outTo = (number: string) => fake.thread(number).filter((m) => m.direction === 'out').map((m) => m.text);

async function text(body: string): Promise<string> {
  const before = outTo(NUMBER).length;
  expect(await fake.reply(NUMBER, body)).toBe(200);
  await until(() => outTo(NUMBER).length > before, `an answer to «${body}»`);
  return outTo(NUMBER).slice(before).join('\n');
}

beforeAll(async () => {
  clock.set(osloWallClock(nextWednesdayMorning().wednesday, '23:30'));
  connector = await startFakeConnector();
  app = await startTestApp({ env: { SMS_PACE_PER_NUMBER_MS: '0', QUIET_HOURS_START: '21:00', QUIET_HOURS_END: '08:00' }, now: clock.now });
  const chat = chatDriver(app, connector);
  for (let i = 0; i < 3; i++) await chat.say(demoVolunteerId(i), 'hei');
  fake = app.app.devSms!;
  menusShown = connector.captured.length;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

it('asked at night, the answer says the request goes to volunteers at 08:00, and none has it yet', async () => {
  await text('Jeg trenger handlehjelp på fredag');
  await text('Sigrid Natt');
  await text('Fjellvegen 99, 2322 Ridabu');
  await text('Sentrum');
  await text('ja');
  const done = await text('2');
  expect(done).toMatch(/Takk, Sigrid! Det du ba om \(Handle, fredag .*\) er lagret\. Om natten sender vi ikke: det går til frivillige kl\. 08:00\./);
  expect(done).not.toContain('Vi leter etter');
  const [r] = await app.db.query<{ status: string }>(`SELECT r.status FROM help_requests r JOIN persons p ON p.id = r.person_id WHERE p.name = 'Sigrid Natt'`);
  expect(r!.status).toBe('open');
  await new Promise((ok) => setTimeout(ok, 500));
  expect(connector.captured.slice(menusShown), 'nothing reached a volunteer at night').toEqual([]);
});
