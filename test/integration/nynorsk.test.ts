// Issue 18, nynorsk over real HTTP, Redis and PostgreSQL: a volunteer chooses nynorsk under «Språk»
// and from then on gets the menu, an offer and a reminder in nynorsk, whatever their chat client
// says; a centre whose municipality writes nynorsk sets it once and everyone there who has not
// chosen reads nynorsk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type Captured, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { until } from '../support/wait.ts';
import { formatDate } from '../../adaptive-cards/format.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const STAFF = 'demo-ansatt-1';
const NYNORSK = demoVolunteerId(0);
const OTHER = demoVolunteerId(1);
const text = (cs: Captured[]) => cs.map((c) => visibleText(c.activity)).join('\n');
const offerOf = (c: Captured) => cardActions(c.activity).find((d) => d.action === 'offer.accept')?.offerId as string | undefined;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('nynorsk', () => {
  it('lets a volunteer choose nynorsk under «Språk»; the answer and the menu are nynorsk at once', async () => {
    const menu = await chat.say(NYNORSK, 'hei');
    expect(hasAction(menu.at(-1)!.activity, 'language.show')).toBe(true);
    const card = await chat.submit(NYNORSK, { action: 'language.show' });
    expect(cardActions(card.at(-1)!.activity)).toContainEqual({ action: 'language.choose', locale: 'nn' });
    const chosen = await chat.submit(NYNORSK, { action: 'language.choose', locale: 'nn' });
    expect(text(chosen)).toContain('Lagra. Språk: Norsk nynorsk.');
    expect(text(chosen)).toContain('Oppdraga mine');
    expect(text(chosen)).not.toContain('Mine oppdrag');
  });

  it('keeps the choice when the chat client says bokmål', async () => {
    const menu = text(await chat.say(NYNORSK, 'meny', { locale: 'nb-NO' }));
    expect(menu).toContain(t('nn', 'menu.intro.volunteer'));
    expect(menu).not.toContain(t('nb', 'menu.intro.volunteer'));
  });

  it('sends the offer and the reminder in nynorsk, weekday and all', async () => {
    await chat.say(OTHER, 'hei');
    await chat.say(STAFF, 'hei');
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    // Two days ahead: its 24-hour reminder is still to come whatever the time of day the test runs.
    const visitDay = osloDate(addDays(new Date(), 2));
    await chat.submit(STAFF, {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: visitDay, time: '14:00', durationMinutes: '90',
      district: 'Sentrum', meetingPlace: '', summary: 'Besøk og ein kopp kaffi', handoverNote: '', contactName: '', contactPhone: '',
      language: '', policeCertificate: 'false', firstTimeFriendly: 'false', staffAlong: 'false', urgent: 'false',
    });
    const offers = (user: string) => connector.conversation(`conv-${user}`).filter((c) => c.method === 'POST' && offerOf(c));
    await connector.waitFor(() => offers(NYNORSK).length === 1 && offers(OTHER).length === 1);
    const [request] = await app.db.query<{ starts_at: Date }>('SELECT starts_at FROM help_requests');
    const offer = visibleText(offers(NYNORSK)[0]!.activity);
    expect(offer).toContain(t('nn', 'offer.accept'));
    expect(offer).toContain(t('nn', 'offer.privacyNote'));
    expect(offer).toContain(formatDate('nn', request!.starts_at));
    expect(offer).not.toContain(t('nb', 'offer.privacyNote'));
    // The group by its nynorsk name; the bokmål reader sees the bokmål one.
    expect(offer).toContain('Besøksven');
    expect(offer).not.toContain('Besøksvenn');
    expect(visibleText(offers(OTHER)[0]!.activity)).toContain('Besøksvenn');
    // The volunteer who chose nothing, at a bokmål centre, reads bokmål.
    expect(visibleText(offers(OTHER)[0]!.activity)).toContain(t('nb', 'offer.privacyNote'));

    const taken = await chat.submit(NYNORSK, { action: 'offer.accept', offerId: offerOf(offers(NYNORSK)[0]!) }, { replyToId: offers(NYNORSK)[0]!.activityId });
    expect(text(taken)).toContain(t('nn', 'task.confidential'));
    const [assignment] = await app.db.query<{ id: string }>(`SELECT id FROM assignments WHERE status = 'active'`);
    const jobId = `remind-${assignment!.id}-1440-${request!.starts_at.getTime()}`;
    await until(async () => Boolean(await app.queues.timers.getJob(jobId)), 'the 24-hour reminder is scheduled');
    const reminder = await app.queues.timers.getJob(jobId);
    const reminders = () => connector.conversation(`conv-${NYNORSK}`).filter((c) => hasAction(c.activity, 'assignment.confirm'));
    await reminder!.promote();
    await connector.waitFor(() => reminders().length === 1);
    const sent = visibleText(reminders()[0]!.activity);
    expect(sent).toContain(t('nn', 'reminder.confirm'));
    expect(sent).toContain('Påminning');
    expect(sent).not.toContain('Påminnelse');
  });

  it('lets staff set the centre to nynorsk; everyone there who has not chosen then reads nynorsk', async () => {
    const card = await chat.submit(STAFF, { action: 'language.show' });
    expect(cardActions(card.at(-1)!.activity)).toContainEqual({ action: 'staff.language.save', locale: 'nn' });
    const saved = text(await chat.submit(STAFF, { action: 'staff.language.save', locale: 'nn' }));
    expect(saved).toContain('Frivilligsentralen bruker nå Norsk nynorsk.');
    const menu = text(await chat.say(OTHER, 'meny', { locale: 'nb-NO' }));
    expect(menu).toContain(t('nn', 'menu.intro.volunteer'));
    // English from the client still wins over the centre's written standard.
    expect(text(await chat.say(OTHER, 'menu', { locale: 'en-GB' }))).toContain(t('en', 'menu.intro.volunteer'));
  });

  it('refuses a language it does not have, and the centre setting for a volunteer, with a clear message', async () => {
    const bad = text(await chat.submit(OTHER, { action: 'language.choose', locale: 'de' }));
    expect(bad).not.toMatch(/error|stack/i);
    const notAllowed = text(await chat.submit(OTHER, { action: 'staff.language.save', locale: 'nb' }));
    expect(notAllowed).toContain(t('nn', 'error.notAllowed'));
    const [centre] = await app.db.query<{ default_locale: string }>(`SELECT default_locale FROM centres c JOIN members m ON m.centre_id = c.id JOIN chat_identities i ON i.member_id = m.id WHERE i.user_id = $1`, [STAFF]);
    expect(centre?.default_locale).toBe('nn');
  });
});
