// Each form card, rendered by Web Chat's own Adaptive Cards library (adaptivecards 3.0, the copy
// botframework-webchat bundles) in Chromium, filled with ONLY its required fields as a person would
// (typing, picking, ticking) and submitted: the library must produce the submit. A card JSON can be
// valid and still never leave the browser — an empty Input.Number reads as NaN and fails its min
// even while hidden (issue 14) — and only the renderer's own validation, on rendered inputs, shows it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import type { AdaptiveCard, CardContext } from '../../adaptive-cards/card.ts';
import { volunteerSignupCard } from '../../adaptive-cards/volunteer-signup.ts';
import { personFormCard } from '../../adaptive-cards/person-form.ts';
import { requestFormCard } from '../../adaptive-cards/request-form.ts';
import { caregiverSignupCard } from '../../adaptive-cards/caregiver.ts';
import { cancelAssignmentCard } from '../../adaptive-cards/cancel-assignment.ts';
import { followUpCard } from '../../adaptive-cards/follow-up.ts';
import { feedbackCard } from '../../adaptive-cards/feedback.ts';
import { seriesEditCard } from '../../adaptive-cards/series-status.ts';
import { selfRequestFormCard } from '../../adaptive-cards/self-request-form.ts';
import { selfSignupCard } from '../../adaptive-cards/self-signup.ts';
import { SELF_REQUEST_KINDS, selfRequestDays } from '../../domain/self-request.ts';
import type { PublicRequestView } from '../../domain/types.ts';
import { TIME_ZONE, osloWallClock } from '../../domain/time-zone.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const webChatRequire = createRequire(`${root}node_modules/botframework-webchat/package.json`);
const LIBRARY = webChatRequire.resolve('adaptivecards/dist/adaptivecards.min.js');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
const groups = [{ key: 'avlastning', label: 'Avlastning (pusterom)' }, { key: 'handlehjelp', label: 'Handlehjelp' }];
const request: PublicRequestView = {
  id: 'req-1', centreId: 'hamar', group: 'besoksvenn', district: 'Sentrum', startsAt: new Date('2026-12-01T13:00:00Z'), durationMinutes: 90,
  flexibleUntil: null, summary: 'Kaffe og en prat', requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false }, urgent: false,
};

interface FormCase {
  name: string;
  card: AdaptiveCard;
  /** The button that submits, and the one that opens it first if it sits in a ShowCard. */
  submit: string;
  open?: string;
  verb: string;
}

const CASES: FormCase[] = [
  { name: 'volunteer sign-up', card: volunteerSignupCard(ctx, { groups, centres: [{ id: 'hamar', name: 'Hamar' }] }), submit: 'Meld meg på', verb: 'volunteer.signup.submit' },
  { name: 'staff person and consent', card: personFormCard(ctx, { today: '2026-11-25' }), submit: 'Lagre person', verb: 'staff.person.submit' },
  { name: 'caregiver person and consent', card: personFormCard(ctx, { today: '2026-11-25', audience: 'caregiver' }), submit: 'Lagre person', verb: 'caregiver.person.submit' },
  {
    name: 'staff one-off request',
    card: requestFormCard(ctx, { persons: [{ id: 'p-1', label: 'Astrid F., Sentrum' }, { id: 'p-2', label: 'Odd H., Vang' }], groups, today: '2026-11-25' }),
    submit: 'Send forespørsel', verb: 'staff.request.submit',
  },
  {
    name: 'caregiver one-off request',
    card: requestFormCard(ctx, { persons: [{ id: 'p-1', label: 'Astrid' }], groups, today: '2026-11-25', audience: 'caregiver', values: { group: 'avlastning', district: 'Sentrum', meetingPlace: 'Hjemme hos Astrid' } }),
    submit: 'Send forespørsel', verb: 'caregiver.request.submit',
  },
  { name: 'caregiver sign-up', card: caregiverSignupCard(ctx), submit: 'Registrer meg', verb: 'caregiver.signup.submit' },
  { name: 'cancel with reason', card: cancelAssignmentCard(ctx, { assignmentId: 'a-1', groupLabel: 'Besøksvenn', startsAt: request.startsAt }), submit: 'Avlys oppdraget', verb: 'assignment.cancel.submit' },
  { name: 'follow-up with hours', card: followUpCard(ctx, { assignmentId: 'a-1', request, groupLabel: 'Besøksvenn', plannedHours: 1.5 }), open: 'Ja, det ble gjort', submit: 'Registrer timene', verb: 'assignment.done' },
  { name: 'follow-up not done', card: followUpCard(ctx, { assignmentId: 'a-1', request, groupLabel: 'Besøksvenn', plannedHours: 1.5 }), open: 'Nei, det ble ikke noe av', submit: 'Send svaret', verb: 'assignment.notDone' },
  { name: 'caregiver feedback', card: feedbackCard(ctx, { assignmentId: 'a-1', volunteerFirstName: 'Kari', what: 'Besøksvenn', when: 'tirsdag 1. desember' }), submit: 'Bra', verb: 'caregiver.feedback' },
  { name: 'series new time', card: seriesEditCard(ctx, { seriesId: 's-1', values: {} }), submit: 'Lagre ny tid', verb: 'caregiver.series.edit.submit' },
  {
    name: 'person asking for themselves',
    card: selfRequestFormCard(ctx, { kinds: SELF_REQUEST_KINDS, days: selfRequestDays(new Date('2026-03-11T11:00:00Z')), weekUntil: osloWallClock('2026-03-15', '12:00') }),
    submit: 'Send', verb: 'self.request.submit',
  },
  { name: 'person signing up themselves', card: selfSignupCard(ctx, { centres: [{ id: 'hamar', name: 'Hamar' }], consentMonths: 12, retentionDays: 90 }), submit: 'Ja, jeg samtykker', verb: 'self.signup.submit' },
];

describe('each form card submits with only its required fields, in Web Chat\'s renderer', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'nb-NO', timezoneId: TIME_ZONE })).newPage();
    await page.setContent('<!doctype html><html lang="nb"><body><main id="host"></main></body></html>');
    await page.addScriptTag({ content: readFileSync(LIBRARY, 'utf8') });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Renders the card as Web Chat does and remembers what its submit sends. */
  async function render(card: AdaptiveCard) {
    await page.evaluate((json) => {
      const w = window as unknown as { AdaptiveCards: { AdaptiveCard: new () => { parse(j: unknown): void; render(): HTMLElement; onExecuteAction?: (a: { data?: unknown }) => void } }; submitted: unknown[] };
      w.submitted = [];
      const ac = new w.AdaptiveCards.AdaptiveCard();
      // Only what leaves the card counts (a ToggleVisibility or ShowCard runs here too, without data).
      ac.onExecuteAction = (action) => {
        if (action.data !== undefined) w.submitted.push(action.data);
      };
      ac.parse(json);
      const host = document.getElementById('host')!;
      host.replaceChildren(ac.render());
    }, card as unknown);
  }

  /** Fills each required input a person can see, the way they would; leaves everything else alone. */
  async function fillRequired(card: AdaptiveCard, c: { open?: string } = {}) {
    const required: Array<{ type: string; label: string; style?: string; multi?: boolean; choices?: Array<{ title: string }>; value?: unknown }> = [];
    const walk = (els: unknown[]) => {
      for (const e of els as Array<Record<string, unknown>>) {
        if (e.type === 'Container') walk(e.items as unknown[]);
        else if (e.type === 'ActionSet') walk(e.actions as unknown[]);
        else if (e.type === 'Action.ShowCard' && c.open === e.title) walk(((e.card as Record<string, unknown>).body as unknown[]) ?? []);
        else if (String(e.type).startsWith('Input.') && e.isRequired && (e.value === undefined || e.value === '')) {
          required.push({ type: String(e.type), label: String(e.label), style: e.style as string, multi: Boolean(e.isMultiSelect), choices: e.choices as Array<{ title: string }> });
        }
      }
    };
    walk(card.body as unknown[]);
    walk((card.actions as unknown[] | undefined) ?? []);
    const host = page.locator('#host');
    for (const input of required) {
      // The renderer adds « *» to a required field's label.
      const field = host.getByLabel(new RegExp(`^${escape(input.label)}`)).first();
      switch (input.type) {
        case 'Input.Date':
          await field.fill('2026-12-10');
          break;
        case 'Input.Time':
          await field.fill('10:00');
          break;
        case 'Input.Number':
          await field.fill('2');
          break;
        case 'Input.ChoiceSet':
          // A choice's accessible name is the question followed by the choice.
          if (input.style === 'expanded') await host.getByRole(input.multi ? 'checkbox' : 'radio', { name: new RegExp(`${escape(input.choices![0]!.title)}$`) }).first().check();
          else await field.selectOption({ index: 1 });
          break;
        default:
          await field.fill(/telefon|mobil/i.test(input.label) ? '912 34 567' : 'Sentrum');
      }
    }
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await render(c.card);
    if (c.open) await page.locator('#host').getByRole('button', { name: c.open, exact: true }).click();
    await fillRequired(c.card, c);
    await page.locator('#host').getByRole('button', { name: c.submit, exact: true }).last().click();
    const submitted = await page.evaluate(() => (window as unknown as { submitted: Array<Record<string, unknown>> }).submitted);
    expect(submitted, 'the renderer let the submit go').toHaveLength(1);
    expect(submitted[0]!.action).toBe(c.verb);
  });

  it('the request form\'s repeat stays out of a one-off, and a chosen repeat goes along', async () => {
    const card = requestFormCard(ctx, { persons: [{ id: 'p-1', label: 'Astrid' }], groups, today: '2026-11-25', values: { district: 'Sentrum' } });
    await render(card);
    const host = page.locator('#host');
    expect(await host.getByLabel('Eller antall besøk').isVisible()).toBe(false);
    await fillRequired(card);
    await host.getByRole('button', { name: 'Gjenta besøket (fast avtale)' }).click();
    await host.getByRole('radio', { name: /(^|\s)Hver uke, samme dag og tid$/ }).check();
    await host.getByLabel('Eller antall besøk').selectOption('4');
    await host.getByRole('button', { name: 'Send forespørsel' }).click();
    const submitted = await page.evaluate(() => (window as unknown as { submitted: Array<Record<string, unknown>> }).submitted);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({ action: 'staff.request.submit', repeat: '1', visitCount: '4' });
  });
});
