// Issue 19 by hand in the local web chat, in headless Chromium at phone size (390×844), filling the
// cards by clicking and typing with Web Chat's own renderer: a new user chooses «Jeg trenger hjelp»,
// signs up with their own consent and asks for shopping help on Friday; the coordinator (who switched
// on the centre's confirmation) presses «Bekreft» in her own tab; the offer reaches a volunteer's tab
// without name, address, phone or note, and she takes it; the person sees «‹fornavn› kommer fredag …»,
// confirms from the reminder the day before, and says afterwards how it went. Screenshots go to
// test-results/.
import { mkdirSync } from 'node:fs';
import { addMinutes } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium, waitVisible, watchPage } from './chromium.ts';
import { startTestApp, VirtualClock, type TestApp } from '../support/app.ts';
import { scheduledJob } from '../support/jobs.ts';
import { demoVolunteerName } from '../../infra/seed-demo.ts';
import { addDaysToDate, isoWeekday } from '../../domain/series.ts';
import { formatDate } from '../../adaptive-cards/format.ts';
import { capitalize } from '../../adaptive-cards/card.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { TIME_ZONE, osloDate, osloWallClock } from '../../domain/time-zone.ts';

const TRANSCRIPT = 'section[role="feed"]';
const CARD = '.ac-adaptiveCard';
const PERSON = { name: 'Sigrun Fossheim', phone: '934 12 345', address: 'Kirkegata 7, 2317 Hamar', district: 'Sentrum' };
const NOTE = 'Jeg bruker rullator. Ring på to ganger.';
const VOLUNTEER = demoVolunteerName(0); // broad: Sentrum, every group, every day 08–21
const FIRST_NAME = VOLUNTEER.split(' ')[0]!;
const SURNAME = VOLUNTEER.split(' ').at(-1)!;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a person who needs a hand asks for themselves in the web chat', { timeout: 240_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const clock = new VirtualClock();
  const contexts: BrowserContext[] = [];
  let person: Page;
  let staff: Page;
  let volunteer: Page;
  let friday: string;
  let assignmentId: string;

  beforeAll(async () => {
    // A Wednesday morning: Friday is two days ahead and the reminder the day before is still to come.
    const today = osloDate(new Date());
    const wednesday = addDaysToDate(today, (3 - isoWeekday(today) + 7) % 7 || 7);
    clock.set(osloWallClock(wednesday, '09:00'));
    friday = addDaysToDate(wednesday, 2);
    app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now });
    browser = await launchChromium();
    mkdirSync('test-results', { recursive: true });
  }, 90_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  async function openAs(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, locale: 'nb-NO', timezoneId: TIME_ZONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('radio', { name: new RegExp(`^${escape(name)}`) }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    return page;
  }
  /** The last card in the transcript that holds this text: the one just sent. */
  const cardWithText = (page: Page, text: string): Locator => page.locator(TRANSCRIPT).locator(CARD).filter({ hasText: text }).last();
  const button = (scope: Page | Locator, name: string) => ('goto' in scope ? scope.locator(TRANSCRIPT) : scope).getByRole('button', { name, exact: true });
  async function seen(page: Page, text: string, timeout = 30_000) {
    await waitVisible(page.locator(TRANSCRIPT).getByText(text, { exact: false }).last(), watchPage(page), timeout);
  }

  /** The card is readable on a phone: nothing wider than the screen, every button inside it and big enough to tap. */
  async function expectFitsPhone(card: Locator) {
    const box = await card.boundingBox();
    expect(box, 'card is rendered').not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    for (const b of await card.getByRole('button').all()) {
      const bb = await b.boundingBox();
      if (!bb) continue;
      expect(bb.x + bb.width, `button «${await b.innerText()}» reaches past the screen`).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
      expect(bb.height, `button «${await b.innerText()}» is too small to tap`).toBeGreaterThanOrEqual(32);
    }
  }
  async function shoot(page: Page, card: Locator, name: string) {
    const height = Math.ceil((await card.boundingBox())!.height);
    await page.setViewportSize({ width: PHONE_VIEWPORT.width, height: Math.max(PHONE_VIEWPORT.height, height + 400) });
    await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await card.screenshot({ path: `test-results/${name}.png` });
    await page.setViewportSize(PHONE_VIEWPORT);
  }
  async function expectAccessible(page: Page) {
    // Web Chat 4.18's live-region copies of new cards label inputs with the legacy `title` (upstream; gone in seconds).
    const violations = await axeCheck(page, { exclude: ['.webchat__live-region-transcript'] });
    expect(violations, formatViolations(violations)).toEqual([]);
  }

  it('the coordinator switches on confirming people who sign up themselves', async () => {
    staff = await openAs('Kari Nordmann');
    await button(staff, t('nb', 'menu.linkSettings')).first().click();
    const settings = cardWithText(staff, t('nb', 'self.settingTitle'));
    await settings.waitFor({ timeout: 20_000 });
    // The second switch on the card is the one for people who sign up themselves.
    await settings.getByRole('button', { name: t('nb', 'link.turnOn') }).nth(1).click();
    await seen(staff, t('nb', 'self.settingOn'));
    expect((await app.db.query<{ v: boolean }>(`SELECT verify_self_registrations AS v FROM centres WHERE id = 'hamar'`))[0]!.v).toBe(true);
    volunteer = await openAs(VOLUNTEER);
    await button(volunteer, 'Mine oppdrag').first().waitFor();
  });

  it('a new user chooses «Jeg trenger hjelp», fills in who they are and gives their consent', async () => {
    person = await openAs('Ny bruker');
    await button(person, t('nb', 'self.becomePerson')).first().click();
    const form = cardWithText(person, t('nb', 'self.consentTitle'));
    await form.getByLabel(t('nb', 'signup.name')).waitFor({ timeout: 20_000 });
    await form.getByLabel(t('nb', 'signup.name')).fill(PERSON.name);
    await form.getByLabel(t('nb', 'signup.phone')).fill(PERSON.phone);
    await form.getByLabel(t('nb', 'self.address')).fill(PERSON.address);
    await form.getByLabel(t('nb', 'self.district')).fill(PERSON.district);
    const words = await form.innerText();
    for (const w of ['Dette lagrer vi', 'aldri hvem du er', '12 måneder']) expect(words).toContain(w);
    await expectFitsPhone(form);
    await shoot(person, form, 'self-1-signup');
    await expectAccessible(person);
    await button(form, t('nb', 'self.consentGive')).click();
    await seen(person, 'Frivilligsentralen ringer deg på 93412345');
    await expect.poll(async () => (await app.db.query(`SELECT 1 FROM members WHERE role = 'person' AND name = $1`, [PERSON.name])).length, { timeout: 20_000 }).toBe(1);
  });

  it('asks for shopping help on Friday afternoon with a word for the volunteer, through the short form', async () => {
    const form = cardWithText(person, t('nb', 'self.what'));
    await form.getByRole('radio', { name: 'Handle', exact: true }).waitFor({ timeout: 20_000 });
    await form.getByRole('radio', { name: 'Handle', exact: true }).check();
    await form.getByRole('radio', { name: capitalize(formatDate('nb', osloWallClock(friday, '12:00'))) }).check();
    await form.getByRole('radio', { name: t('nb', 'self.part.afternoon') }).check();
    await form.getByLabel(t('nb', 'self.note')).fill(NOTE);
    await expectFitsPhone(form);
    await shoot(person, form, 'self-2-request-form');
    await expectAccessible(person);
    await button(form, t('nb', 'self.send')).click();
    await seen(person, 'Frivilligsentralen ringer deg snart');
    await person.screenshot({ path: 'test-results/self-3-waiting-for-call.png' });
    const [r] = await app.db.query<{ status: string; group_key: string; handover_note: string; starts_at: Date }>(
      `SELECT r.status, r.group_key, r.handover_note, r.starts_at FROM help_requests r JOIN members m ON m.id = r.created_by WHERE m.name = $1`,
      [PERSON.name],
    );
    expect(r).toMatchObject({ status: 'waiting_consent', group_key: 'handlehjelp', handover_note: NOTE, starts_at: osloWallClock(friday, '13:00') });
  });

  it('the coordinator gets «Ny bruker å bekrefte» and presses «Bekreft»; the person is told', async () => {
    const card = cardWithText(staff, t('nb', 'self.staffTitle'));
    await card.waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toContain(PERSON.name);
    await expectFitsPhone(card);
    await shoot(staff, card, 'self-4-staff-confirm');
    await button(card, t('nb', 'link.confirm')).click();
    await seen(staff, 'Bekreftet.');
    await seen(person, t('nb', 'self.linkConfirmed'));
  });

  it('the offer reaches the volunteer without name, address, phone or note; she takes it and gets them', async () => {
    const offer = volunteer.locator(TRANSCRIPT).locator(CARD).filter({ has: volunteer.getByRole('button', { name: 'Ta oppdraget' }) }).last();
    await offer.waitFor({ timeout: 30_000 });
    const text = await offer.innerText();
    for (const secret of [PERSON.name, 'Sigrun', 'Fossheim', 'Kirkegata', '93412345', '934 12 345', 'rullator']) expect(text, secret).not.toContain(secret);
    expect(text).toContain('Handlehjelp');
    await shoot(volunteer, offer, 'self-5-volunteer-offer');
    await button(offer, 'Ta oppdraget').click();
    await seen(volunteer, PERSON.name);
    await seen(volunteer, NOTE);
    await expectAccessible(volunteer);
  });

  it('the person sees «‹fornavn› kommer fredag …», and the same in «Mine forespørsler»', async () => {
    await seen(person, `${FIRST_NAME} kommer fredag`);
    // From the menu under the notice, as a person does.
    await button(person, t('nb', 'common.menu')).last().click();
    await button(person, t('nb', 'caregiver.myRequests')).last().waitFor({ timeout: 20_000 });
    await button(person, t('nb', 'caregiver.myRequests')).last().click();
    const list = person.locator(TRANSCRIPT).locator(CARD).filter({ has: person.getByRole('heading', { name: 'Mine forespørsler' }) }).last();
    await list.waitFor({ timeout: 20_000 });
    await expect.poll(() => list.innerText()).toContain(`${FIRST_NAME} kommer fredag`);
    await expectFitsPhone(list);
    await shoot(person, list, 'self-6-my-requests');
    await expectAccessible(person);
  });

  it('the day before, the reminder comes and the person answers «Det passer»', async () => {
    const [a] = await app.db.query<{ id: string }>(`SELECT a.id FROM assignments a JOIN help_requests r ON r.id = a.request_id JOIN members m ON m.id = r.created_by WHERE m.name = $1 AND a.status = 'active'`, [PERSON.name]);
    assignmentId = a!.id;
    const remind = await scheduledJob(app, 'timers', `remind-${assignmentId}-1440-`);
    expect(remind, 'the day-before reminder is scheduled').toBeDefined();
    await remind!.promote();
    const card = cardWithText(person, t('nb', 'caregiver.reminderTitle'));
    await card.waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toContain(`${FIRST_NAME} kommer fredag`);
    await expectFitsPhone(card);
    await shoot(person, card, 'self-7-reminder');
    await button(card, t('nb', 'caregiver.confirmVisit')).click();
    await seen(person, t('nb', 'caregiver.visitConfirmed'));
  });

  it('after the visit the volunteer reports it done, and the person says how it went', async () => {
    const followUp = await scheduledJob(app, 'timers', `followup-${assignmentId}-`);
    clock.set(addMinutes(osloWallClock(friday, '13:00'), 150));
    await followUp!.promote();
    const asked = cardWithText(volunteer, t('nb', 'followUp.title'));
    await asked.waitFor({ timeout: 30_000 });
    await button(asked, t('nb', 'followUp.done')).click();
    await button(asked, t('nb', 'followUp.doneSubmit')).click();
    const feedback = cardWithText(person, t('nb', 'feedback.title'));
    await feedback.waitFor({ timeout: 30_000 });
    await feedback.getByLabel(t('nb', 'feedback.comment')).fill('Veldig hyggelig, takk!');
    await expectFitsPhone(feedback);
    await shoot(person, feedback, 'self-8-feedback');
    await expectAccessible(person);
    await button(feedback, t('nb', 'feedback.good')).click();
    await seen(person, t('nb', 'feedback.thanks'));
    expect(await app.db.query<{ rating: string; comment: string }>('SELECT rating, comment FROM visit_feedback WHERE assignment_id = $1', [assignmentId])).toEqual([
      { rating: 'good', comment: 'Veldig hyggelig, takk!' },
    ]);
  });

  it('nothing the person was shown names the volunteer beyond her first name, or anything only staff may know', async () => {
    const shown = await person.locator(TRANSCRIPT).innerText();
    const [v] = await app.db.query<{ phone: string }>('SELECT phone FROM members WHERE name = $1', [VOLUNTEER]);
    for (const secret of [SURNAME, v!.phone, 'har tatt oppdraget', 'Bare ansatte', 'Ny bruker å bekrefte']) expect(shown, secret).not.toContain(secret);
  });
});
