// Formal respite (avlastningsplass, avlastningsopphold, omsorgsstønad, korttidsopphold, vedtak) is
// the allocation office's decision: a caregiver who asks about it in their own words gets the office's
// contact, and a request that asks for it is not saved or offered to volunteers — the caregiver may
// ask for a volunteer visit instead. Over real HTTP; replies at the fake connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { osloDate } from '../../domain/time-zone.ts';

const CONTACT = 'Tildelingskontoret, tlf. 62 56 30 00';
const CG = 'respite-parorende-1';
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
let personId: string;
const shown = (rs: Array<{ activity: Record<string, unknown> }>) => rs.map((r) => visibleText(r.activity)).join('\n');
const count = async (sql: string) => Number((await app.db.query<{ n: number }>(sql))[0]!.n);

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ workers: false, env: { WAVE_SIZE: '1000', ALLOCATION_OFFICE_CONTACT: CONTACT } });
  chat = chatDriver(app, connector);
  await chat.submit(CG, { action: 'caregiver.signup.submit', name: 'Hilde Berg', phone: '934 56 789' });
  await chat.submit(CG, {
    action: 'caregiver.person.submit', name: 'Olav Berg', address: 'Parkgata 3, 2317 Hamar', phone: '62511111', district: 'Sentrum',
    consentBasis: 'proxy', consentRelation: 'datter', consentDate: osloDate(new Date()),
  });
  personId = (await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Olav Berg'`))[0]!.id;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('a caregiver asking about formal respite', () => {
  it('gets the allocation office\'s contact for a typed question, whichever word they use', async () => {
    for (const question of ['Hvordan søker jeg om avlastningsplass?', 'avlastningsopphold for mor', 'Kan jeg få omsorgsstønad', 'korttidsopphold', 'Hva skjer med vedtaket?']) {
      const text = shown(await chat.say(CG, question));
      expect(text, question).toContain(CONTACT);
      expect(text, question).not.toContain(t('nb', 'error.notUnderstood'));
    }
  });

  it('is not mistaken for it when asking for a visit, and others typing the words get no contact', async () => {
    expect(shown(await chat.say(CG, 'hva er været'))).toContain(t('nb', 'error.notUnderstood'));
    expect(shown(await chat.say('demo-frivillig-01', 'avlastningsplass'))).not.toContain(CONTACT);
  });

  it('a request asking for it is not saved or offered; the form comes back and the contact is given; a visit can still be asked for', async () => {
    const requests = await count('SELECT count(*)::int AS n FROM help_requests');
    const offers = await count('SELECT count(*)::int AS n FROM offers');
    const form = {
      action: 'caregiver.request.submit', personId, group: 'avlastning', date: osloDate(addDays(new Date(), 4)), time: '10:00', durationMinutes: '180', district: 'Sentrum',
    };
    const refused = await chat.submit(CG, { ...form, summary: 'Trenger avlastningsopphold en uke i juli' });
    expect(shown(refused)).toContain(CONTACT);
    expect(shown(refused)).toContain(t('nb', 'error.formalRespite'));
    expect(refused.some((r) => hasAction(r.activity, 'caregiver.request.submit')), 'the form comes back').toBe(true);
    const inNote = await chat.submit(CG, { ...form, summary: 'Selskap', handoverNote: 'Vi venter på vedtak om korttidsplass' });
    expect(shown(inNote)).toContain(CONTACT);
    expect(await count('SELECT count(*)::int AS n FROM help_requests')).toBe(requests);
    expect(await count('SELECT count(*)::int AS n FROM offers')).toBe(offers);

    const visit = await chat.submit(CG, { ...form, summary: 'Selskap og en kaffe mens jeg er på kor' });
    expect(shown(visit)).toContain(t('nb', 'caregiver.sent'));
    expect(await count('SELECT count(*)::int AS n FROM help_requests')).toBe(requests + 1);
    expect(await count('SELECT count(*)::int AS n FROM offers')).toBeGreaterThan(offers);
  });
});
