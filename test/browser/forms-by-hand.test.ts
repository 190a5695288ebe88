// Every form, filled as a person fills it (issue 14): in headless Chromium at 390×844, with Web Chat's
// own Adaptive Cards renderer, by tapping and typing only — never by posting an activity, which is
// how a one-off request that could not be sent from the form shipped. One browser, one page per
// role: staff register a person with consent and send a one-off and a series; a caregiver registers
// the person she cares for and sends a one-off and a series on her short form; a new user signs up
// (a wrong phone first) and signs the declaration; the volunteer gets the redacted offers, takes
// two, reports hours on one and cancels the other with a reason; the caregiver gives feedback; staff
// see the cancellation. Each page state is checked with axe-core and for Norwegian 24-hour times.
// UPDATE_SCREENSHOTS=1 writes each role's main screens to docs/screenshots/.
import { addDays, addHours } from 'date-fns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { TRANSCRIPT, button, cardWith, cardWithText, expectAccessible, expectFitsPhone, expectNorwegianClock, openChatAs, screenshot } from './phone-chat.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DEMO_CAREGIVERS, DEMO_STAFF, demoVolunteerName } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

const STAFF = DEMO_STAFF[0]!.name;
const CAREGIVER = DEMO_CAREGIVERS[1]!.name;
const VOLUNTEER = demoVolunteerName(0); // broad: Sentrum, every group, every day 08–21
const STAFF_PERSON = { name: 'Signe Haug', address: 'Kirkegata 8, 2317 Hamar', phone: '62519999' };
const CARED_FOR = { name: 'Arne Moen', address: 'Parkgata 21, 2317 Hamar', phone: '62518888' };
const DAY = (n: number) => osloDate(addDays(new Date(), n));

/** The clock the app runs on: now, until a test moves it past a visit. */
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };

describe('every form by hand in the web chat on a phone', { timeout: 300_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let staff: Page;
  let caregiver: Page;
  let volunteer: Page;

  beforeAll(async () => {
    app = await startTestApp({ env: { WAVE_SIZE: '1000' }, now: clock.now, log: { level: 'warn', destination: { write: (line) => void warnings.push(line) } } });
    browser = await launchChromium();
  }, 120_000);
  // A failure says what each person saw and what the app warned of (a CI run cannot be looked at afterwards).
  const warnings: string[] = [];
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const pages = { staff, caregiver, volunteer };
    for (const [role, page] of Object.entries(pages)) {
      if (!page || page.isClosed()) continue;
      const text = await page.locator(TRANSCRIPT).innerText({ timeout: 5_000 }).catch((err: Error) => `(unreadable: ${err.message})`);
      console.error(`--- ${role}'s screen when «${task.name}» failed:\n${text.split('\n').slice(-60).join('\n')}`);
    }
    console.error(`--- the app's warnings and errors (${warnings.length}):\n${warnings.slice(-40).join('')}`);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  /** The person form, with who they are and where they live typed in; consent is left to the caller. */
  async function fillPerson(page: Page, person: { name: string; address: string; phone: string }) {
    const form = cardWith(page, 'Adresse');
    await form.getByLabel(/^Navn/).fill(person.name);
    await form.getByLabel('Adresse').fill(person.address);
    await form.getByLabel('Telefon').fill(person.phone);
    await form.getByLabel('Bydel eller område').fill('Sentrum');
    return form;
  }

  const requestsFor = (name: string) =>
    app.db.query<{ id: string; status: string; series_id: string | null; district: string; starts_at: Date }>(
      'SELECT r.id, r.status, r.series_id, r.district, r.starts_at FROM help_requests r JOIN persons p ON p.id = r.person_id WHERE p.name = $1 ORDER BY r.starts_at',
      [name],
    );

  it('staff register a person with consent; the request form comes back with the area filled in', async () => {
    // The volunteer has the chat open, as one who has talked to Dugnad before: offers reach her there.
    volunteer = await openChatAs(browser, app.url, VOLUNTEER, contexts);
    await button(volunteer, 'Mine oppdrag').first().waitFor({ timeout: 30_000 });
    await screenshot(volunteer, 'frivillig-1-meny');

    staff = await openChatAs(browser, app.url, STAFF, contexts);
    await button(staff, 'Registrer person').first().waitFor({ timeout: 30_000 });
    await expectNorwegianClock(staff);
    await screenshot(staff, 'ansatt-1-meny');
    await button(staff, 'Registrer person').first().click();
    const form = await fillPerson(staff, STAFF_PERSON);
    await form.getByRole('radio', { name: /Ansatt har registrert samtykket$/ }).check();
    await expectFitsPhone(form);
    await expectAccessible(staff);
    await screenshot(staff, 'ansatt-2-person', form);
    await button(form, 'Lagre person').click();
    const request = cardWith(staff, 'Hva slags hjelp?');
    await request.waitFor({ timeout: 30_000 });
    expect(await request.getByLabel(/^Område/).inputValue()).toBe('Sentrum');
    expect(await request.innerText()).toContain('Møtested (valgfritt');
  });

  it('staff send a one-off request with the repeat left alone: the form sends, and the tap shows «Et øyeblikk …» at once', async () => {
    const form = cardWith(staff, 'Hva slags hjelp?');
    await form.getByLabel('Hva slags hjelp?').selectOption({ label: 'Handlehjelp' });
    await form.getByLabel(/^Dato/).fill(DAY(3));
    await form.getByLabel(/^Klokkeslett/).fill('10:00');
    await form.getByLabel(/^Kort beskrivelse/).fill('Handle til helgen på Coop');
    // The series fields are not on the screen until a repeat is asked for.
    expect(await form.getByLabel('Eller antall besøk').isVisible()).toBe(false);
    await expectFitsPhone(form);
    await expectAccessible(staff);
    await screenshot(staff, 'ansatt-3-foresporsel', form);

    // Hold the send on its way, so what the page shows before the answer can be looked at.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await staff.route('**/activities', async (route) => {
      if (route.request().method() === 'POST') await held;
      // Unrouted meanwhile: playwright has already let the request go.
      await route.continue().catch(() => undefined);
    });
    await button(form, 'Send forespørsel').click();
    await staff.locator(TRANSCRIPT).locator('.dugnad-wait', { hasText: 'Et øyeblikk' }).waitFor({ timeout: 10_000 });
    expect(await button(form, 'Send forespørsel').isDisabled()).toBe(true);
    release();
    await staff.unroute('**/activities');
    await staff.locator(TRANSCRIPT).getByText('Forespørselen er sendt ut til frivillige', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await requestsFor(STAFF_PERSON.name)).length, { timeout: 20_000 }).toBe(1);
    const [saved] = await requestsFor(STAFF_PERSON.name);
    expect(saved!.series_id).toBeNull();
    await expectNorwegianClock(staff);
  });

  it('the volunteer gets the redacted offer and takes it', async () => {
    const offer = cardWithText(volunteer, 'Handle til helgen på Coop');
    await offer.waitFor({ timeout: 30_000 });
    const text = await offer.innerText();
    for (const secret of [STAFF_PERSON.name, 'Signe', 'Kirkegata', STAFF_PERSON.phone]) expect(text).not.toContain(secret);
    await expectFitsPhone(offer);
    await expectAccessible(volunteer);
    await screenshot(volunteer, 'frivillig-2-tilbud', offer);
    await button(offer, 'Ta oppdraget').click();
    await volunteer.locator(TRANSCRIPT).getByText('Kirkegata 8', { exact: false }).first().waitFor({ timeout: 30_000 });
    await screenshot(volunteer, 'frivillig-3-oppdraget');
    await expectNorwegianClock(volunteer);
  });

  it('staff send a weekly series of three from the same form', async () => {
    await button(staff, 'Ny forespørsel').last().click();
    const form = cardWith(staff, 'Hva slags hjelp?');
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Hvem gjelder det?').selectOption({ label: `${STAFF_PERSON.name}, Sentrum` });
    await form.getByLabel('Hva slags hjelp?').selectOption({ label: 'Besøksvenn' });
    await form.getByLabel(/^Dato/).fill(DAY(4));
    await form.getByLabel(/^Klokkeslett/).fill('13:00');
    await form.getByLabel(/^Område/).fill('Sentrum');
    await form.getByLabel(/^Kort beskrivelse/).fill('Kaffe og en prat hver uke');
    await button(form, 'Gjenta besøket (fast avtale)').click();
    await form.getByRole('radio', { name: 'Hver uke, samme dag og tid', exact: true }).check();
    await form.getByLabel('Eller antall besøk').selectOption('3');
    await expectFitsPhone(form);
    await expectAccessible(staff);
    await button(form, 'Send forespørsel').click();
    await staff.locator(TRANSCRIPT).getByText('alle 3 besøkene', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await requestsFor(STAFF_PERSON.name)).filter((r) => r.series_id).length, { timeout: 20_000 }).toBe(3);
    await cardWithText(volunteer, 'Kaffe og en prat hver uke').waitFor({ timeout: 30_000 });
    expect(await cardWithText(volunteer, 'Kaffe og en prat hver uke').innerText()).not.toContain(STAFF_PERSON.name);
  });

  it('a caregiver registers the person she cares for and sends a one-off on her short form', async () => {
    caregiver = await openChatAs(browser, app.url, CAREGIVER, contexts);
    await button(caregiver, 'Registrer den du passer på').first().waitFor({ timeout: 30_000 });
    await screenshot(caregiver, 'parorende-1-meny');
    await button(caregiver, 'Registrer den du passer på').first().click();
    const person = await fillPerson(caregiver, CARED_FOR);
    await person.getByRole('radio', { name: /Pårørende samtykker/ }).check();
    await person.getByLabel(/Hvem samtykker/).fill('kone');
    await expectFitsPhone(person);
    await expectAccessible(caregiver);
    await button(person, 'Lagre person').click();

    const form = cardWith(caregiver, 'Hva slags hjelp?');
    await form.waitFor({ timeout: 30_000 });
    // Short: no staff fields, and where the visit is comes from the person.
    const text = await form.innerText();
    for (const staffOnly of ['Krav og hensyn', 'Kontaktperson', 'Fleksibel']) expect(text).not.toContain(staffOnly);
    expect(await form.getByLabel(/^Område/).inputValue()).toBe('Sentrum');
    expect(await form.getByLabel(/^Møtested/).inputValue()).toBe('Hjemme hos Arne');
    const visible = await form.locator('input:visible, select:visible, textarea:visible').count();
    expect(visible, 'fields on the caregiver form').toBeLessThanOrEqual(12);
    await form.getByLabel(/^Dato/).fill(DAY(2));
    await form.getByLabel(/^Klokkeslett/).fill('11:00');
    await form.getByLabel(/^Kort beskrivelse/).fill('Selskap mens jeg handler');
    await expectFitsPhone(form);
    await expectAccessible(caregiver);
    await screenshot(caregiver, 'parorende-2-foresporsel', form);
    await button(form, 'Send forespørsel').click();
    await caregiver.locator(TRANSCRIPT).getByText('Vi leter etter en frivillig', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await requestsFor(CARED_FOR.name)).length, { timeout: 20_000 }).toBe(1);
  });

  it('the caregiver asks for every other week until a date', async () => {
    await button(caregiver, 'Be om avlastning eller hjelp').last().click();
    const form = cardWith(caregiver, 'Hva slags hjelp?');
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel(/^Dato/).fill(DAY(5));
    await form.getByLabel(/^Klokkeslett/).fill('18:00');
    await form.getByLabel(/^Kort beskrivelse/).fill('Selskap mens jeg er på kor');
    await button(form, 'Gjenta besøket (fast avtale)').click();
    await form.getByRole('radio', { name: 'Annenhver uke, samme dag og tid', exact: true }).check();
    await form.getByLabel('Til og med dato').fill(DAY(5 + 28));
    await button(form, 'Send forespørsel').click();
    await caregiver.locator(TRANSCRIPT).getByText('alle 3 besøkene', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await requestsFor(CARED_FOR.name)).filter((r) => r.series_id).length, { timeout: 20_000 }).toBe(3);
    await expectNorwegianClock(caregiver);
  });

  it('the volunteer takes the caregiver\'s visit, and after it reports the hours; the caregiver says how it went', async () => {
    const offer = cardWithText(volunteer, 'Selskap mens jeg handler');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.innerText()).not.toContain(CARED_FOR.name);
    await button(offer, 'Ta oppdraget').click();
    await volunteer.locator(TRANSCRIPT).getByText('Parkgata 21', { exact: false }).first().waitFor({ timeout: 30_000 });
    const [visit] = await app.db.query<{ id: string; starts_at: Date }>(
      `SELECT a.id, r.starts_at FROM assignments a JOIN help_requests r ON r.id = a.request_id JOIN persons p ON p.id = r.person_id WHERE p.name = $1 AND r.series_id IS NULL`,
      [CARED_FOR.name],
    );

    // After the visit: the follow-up that waits for its end is let go now.
    offset = addHours(visit!.starts_at, 3).getTime() - Date.now();
    let job;
    for (let i = 0; i < 100 && !job; i++) {
      job = (await app.queues.timers.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(`followup-${visit!.id}-`));
      if (!job) await new Promise((r) => setTimeout(r, 100));
    }
    expect(job, 'the follow-up is scheduled').toBeDefined();
    if ((await job!.getState()) === 'delayed') await job!.promote();

    const followUp = cardWithText(volunteer, 'Ble oppdraget gjennomført?');
    await followUp.waitFor({ timeout: 30_000 });
    await button(followUp, 'Ja, det ble gjort').click();
    await followUp.getByLabel('Timer brukt').fill('2');
    await expectFitsPhone(followUp);
    await expectAccessible(volunteer);
    await screenshot(volunteer, 'frivillig-4-timer', followUp);
    await button(followUp, 'Registrer timene').click();
    await volunteer.locator(TRANSCRIPT).getByText('Vi har registrert 2 timer', { exact: false }).first().waitFor({ timeout: 30_000 });

    const feedback = cardWithText(caregiver, 'Hvordan gikk besøket?');
    await feedback.waitFor({ timeout: 30_000 });
    expect(await feedback.innerText()).not.toContain(demoVolunteerName(0).split(' ')[1]!);
    await feedback.getByLabel(/Vil du si noe mer/).fill('Arne koste seg');
    await expectFitsPhone(feedback);
    await expectAccessible(caregiver);
    await screenshot(caregiver, 'parorende-3-tilbakemelding', feedback);
    await button(feedback, 'Bra').click();
    await caregiver.locator(TRANSCRIPT).getByText('Takk for tilbakemeldingen', { exact: false }).first().waitFor({ timeout: 30_000 });
    const rows = await app.db.query<{ rating: string; comment: string }>('SELECT rating, comment FROM visit_feedback WHERE assignment_id = $1', [visit!.id]);
    expect(rows).toEqual([{ rating: 'good', comment: 'Arne koste seg' }]);
    offset = 0;
  });

  it('the volunteer cancels the staff task with a reason; staff are told why', async () => {
    await button(volunteer, 'Mine oppdrag').last().click();
    const list = cardWithText(volunteer, 'Handle til helgen på Coop');
    await list.waitFor({ timeout: 30_000 });
    await button(list, 'Avlys').first().click();
    const form = cardWith(volunteer, 'Hvorfor må du avlyse?');
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Hvorfor må du avlyse?').fill('Jeg er syk');
    await expectFitsPhone(form);
    await expectAccessible(volunteer);
    await screenshot(volunteer, 'frivillig-5-avlys', form);
    await button(form, 'Avlys oppdraget').click();
    await volunteer.locator(TRANSCRIPT).getByText('Takk for at du sa fra', { exact: false }).first().waitFor({ timeout: 30_000 });
    await staff.locator(TRANSCRIPT).getByText('Grunn: Jeg er syk', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expectAccessible(staff);
    await screenshot(staff, 'ansatt-4-avlyst');
  });

  it('a new user signs up as a volunteer by tapping: a wrong phone is told, the right one goes, then the declaration', async () => {
    const page = await openChatAs(browser, app.url, 'Ny bruker', contexts);
    await button(page, 'Bli frivillig').first().waitFor({ timeout: 30_000 });
    await button(page, 'Bli frivillig').first().click();
    const form = cardWith(page, 'Fullt navn');
    const phone = form.getByRole('textbox', { name: /^Mobilnummer/ });
    await form.getByLabel('Fullt navn').fill('Åse Lie');
    await phone.fill('12');
    await form.getByLabel(/^Hvor bor du/).fill('Sentrum');
    await form.getByRole('checkbox', { name: 'Besøksvenn' }).check();
    // Seven choices, one per weekday: a phone's own picker, not 21 small boxes.
    expect(await form.getByRole('checkbox', { name: /formiddag/i }).count()).toBe(0);
    await form.getByRole('combobox', { name: 'Tirsdag', exact: true }).selectOption({ label: 'Formiddag' });
    await form.getByRole('combobox', { name: 'Torsdag', exact: true }).selectOption({ label: 'Hele dagen' });
    await expectFitsPhone(form);
    await expectAccessible(page);
    await screenshot(page, 'ny-1-pamelding', form);
    await button(form, 'Meld meg på').click();
    // The renderer refuses the pattern at once, with the form's own words; nothing is sent.
    await form.getByText('Skriv et telefonnummer med minst 8 siffer', { exact: false }).first().waitFor({ timeout: 10_000 });
    expect(await app.db.query(`SELECT 1 FROM members WHERE name = 'Åse Lie'`)).toHaveLength(0);
    await phone.fill('912 34 999');
    await button(form, 'Meld meg på').click();
    const declaration = cardWithText(page, 'Jeg har lest og signerer');
    await declaration.waitFor({ timeout: 30_000 });
    const [member] = await app.db.query<{ availability: unknown }>(`SELECT v.availability FROM members m JOIN volunteers v ON v.member_id = m.id WHERE m.name = 'Åse Lie'`);
    expect((member!.availability as unknown[]).length).toBeGreaterThan(0);
    await expectFitsPhone(declaration);
    await expectAccessible(page);
    await screenshot(page, 'ny-2-taushetserklaering', declaration);
    await button(declaration, 'Jeg har lest og signerer').click();
    await page.locator(TRANSCRIPT).getByText('Du har signert denne taushetserklæringen', { exact: false }).first().waitFor({ timeout: 30_000 });
    await expectNorwegianClock(page);
  });
});
