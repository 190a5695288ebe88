// The contract between the cards we send and the submits we get back. Every card action carries
// `action` (one of the verbs below) plus its ids; inputs are merged in by the client. Teams
// (Action.Execute) and Web Chat (Action.Submit) both end here, so the bot validates one shape.
// Error messages are message keys (see texts.ts), translated in one place by the bot.
import { z } from 'zod';
import { isPlainText } from '../domain/text.ts';
import type { Verb } from '../domain/verbs.ts';

const id = z.string().min(1).max(64);

/** What the web page found when it tried to turn push notifications on for a device (push-settings.ts). */
export const PUSH_ENABLE_RESULTS = ['on', 'denied', 'install', 'unsupported', 'failed'] as const;
export type PushEnableResult = (typeof PUSH_ENABLE_RESULTS)[number];
/** Adaptive Card inputs arrive as strings; an untouched optional input may be missing or "". */
/** Typed text holds no control characters but tab and line breaks (domain/text.ts). */
const plain = { message: 'error.invalidCharacters' };
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: 'error.tooLong' })
    .refine(isPlainText, plain)
    .optional()
    .transform((v) => (v ? v : null));
export const requiredText = (max: number) =>
  z.string({ message: 'error.required' }).trim().min(1, { message: 'error.required' }).max(max, { message: 'error.tooLong' }).refine(isPlainText, plain);
/** Input.ChoiceSet with isMultiSelect gives "a,b,c". */
const multiChoice = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean));
const toggle = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .optional()
  .transform((v) => v === true || v === 'true');
export const phone = z
  .string({ message: 'error.required' })
  .trim()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\+?\d{8,15}$/, { message: 'error.phone' }));
const date = z
  .string({ message: 'error.required' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'error.date' })
  // JavaScript would turn 2026-02-30 into 2 March; a date that doesn't exist is an error.
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
  }, { message: 'error.date' });
/** Where a long list («Vis flere») starts: how many came before on earlier pages. */
const offset = z.coerce.number().int().min(0).max(100_000);
/**
 * Each volunteer's own police-certificate date in the admin list. Input ids must be unique in a card,
 * so the id names the volunteer; the verb still reads one `checkedOn`.
 */
export const policeDateInputId = (volunteerId: string) => `checkedOn-${volunteerId}`;

/** The police-certificate date a «Lagre dato» tap brought (`raw`: the submit as it came): its volunteer's own field, or `checkedOn`. */
export function policeCheckedOn(raw: Record<string, unknown>, volunteerId: string): string | null {
  const parsed = date.safeParse(raw[policeDateInputId(volunteerId)] ?? raw.checkedOn);
  return parsed.success ? parsed.data : null;
}

const time = z.string({ message: 'error.required' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'error.time' });

/** A sign-up form's «here in the chat» or «by SMS» (asked only where SMS is on; absent = the chat). */
export const formChannel = z.string().optional().transform((v): 'chat' | 'sms' => (v === 'sms' ? 'sms' : 'chat'));

export const volunteerSignupFields = z.object({
  name: requiredText(100),
  phone,
  email: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.email({ message: 'error.email' }).nullable()),
  district: requiredText(60),
  postcode: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().regex(/^\d{4}$/, { message: 'error.postcode' }).nullable()),
  groups: multiChoice.pipe(z.array(z.string()).min(1, { message: 'error.chooseGroup' })),
  languages: multiChoice.pipe(z.array(z.string()).min(1, { message: 'error.chooseLanguage' })),
  /** Availability as "weekday:part" keys, e.g. "1:morning", "3:evening". */
  availability: multiChoice.pipe(
    z.array(z.string().regex(/^[1-7]:(morning|afternoon|evening)$/)).min(1, { message: 'error.chooseAvailability' }),
  ),
  weeklyCap: z.coerce.number({ message: 'error.weeklyCap' }).int({ message: 'error.weeklyCap' }).min(1, { message: 'error.weeklyCap' }).max(14, { message: 'error.weeklyCap' }),
  comfort: z.enum(['any', 'first_time_friendly_only', 'staff_along_only'], { message: 'error.required' }),
  /** The centres the volunteer joins; asked only where a deployment serves several. */
  centres: multiChoice,
  /** Where offers should come first: here in the chat, or by SMS (asked only where SMS is on). */
  channel: formChannel,
});
export type VolunteerSignupFields = z.output<typeof volunteerSignupFields>;

export const personFields = z.object({
  name: requiredText(100),
  address: requiredText(200),
  phone,
  district: requiredText(60),
  notes: optionalText(1000),
  consentBasis: z.enum(['self', 'proxy', 'staff_recorded'], { message: 'error.consentBasis' }),
  consentRelation: optionalText(60),
  consentDate: date,
});
export type PersonFields = z.output<typeof personFields>;

export const helpRequestFields = z.object({
  personId: id,
  group: requiredText(40),
  date,
  time,
  durationMinutes: z.coerce.number({ message: 'error.duration' }).int().min(15, { message: 'error.duration' }).max(12 * 60, { message: 'error.duration' }),
  flexibleUntilTime: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'error.time' }).nullable()),
  district: requiredText(60),
  meetingPlace: optionalText(200),
  summary: requiredText(300),
  handoverNote: optionalText(1000),
  contactName: optionalText(100),
  contactPhone: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/[\s-]/g, '') : null))
    .pipe(z.string().regex(/^\+?\d{8,15}$/, { message: 'error.phone' }).nullable()),
  language: optionalText(10),
  policeCertificate: toggle,
  firstTimeFriendly: toggle,
  staffAlong: toggle,
  urgent: toggle,
});
export type HelpRequestFields = z.output<typeof helpRequestFields>;

export const cardAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('menu.show') }),
  z.object({ action: z.literal('privacy.mine') }),
  z.object({ action: z.literal('volunteer.signup.start') }),
  z.object({ action: z.literal('volunteer.signup.submit') }).passthrough(),
  z.object({ action: z.literal('declaration.show') }),
  z.object({ action: z.literal('declaration.sign'), version: z.coerce.number().int().positive() }),
  z.object({ action: z.literal('volunteer.status') }),
  z.object({ action: z.literal('volunteer.pause'), days: z.coerce.number().int().min(1).max(365) }),
  z.object({ action: z.literal('volunteer.resume') }),
  z.object({ action: z.literal('volunteer.leave') }),
  z.object({ action: z.literal('volunteer.leave.confirm') }),
  z.object({ action: z.literal('offer.accept'), offerId: id }),
  z.object({ action: z.literal('offer.decline'), offerId: id }),
  z.object({ action: z.literal('tasks.mine') }),
  z.object({ action: z.literal('assignment.cancel.start'), assignmentId: id }),
  z.object({ action: z.literal('assignment.cancel.submit'), assignmentId: id, reason: requiredText(300) }),
  z.object({ action: z.literal('staff.request.new'), personId: id.optional() }),
  z.object({ action: z.literal('staff.request.submit') }).passthrough(),
  z.object({ action: z.literal('staff.person.new') }),
  z.object({ action: z.literal('staff.person.submit') }).passthrough(),
  z.object({ action: z.literal('staff.requests.list') }),
  z.object({ action: z.literal('staff.requests.more'), offset }),
  z.object({ action: z.literal('staff.request.cancel'), requestId: id }),
  z.object({ action: z.literal('staff.volunteers.list') }),
  z.object({ action: z.literal('staff.volunteers.more'), offset }),
  // `offset`: the page of the list the button sat on, drawn again in place afterwards.
  z.object({ action: z.literal('staff.volunteer.approve'), volunteerId: id, offset: offset.optional() }),
  z.object({ action: z.literal('staff.volunteer.pause'), volunteerId: id, offset: offset.optional() }),
  z.object({ action: z.literal('staff.volunteer.remove'), volunteerId: id, offset: offset.optional() }),
  // The date comes from that volunteer's own field (policeCheckedOn reads it); `checkedOn` is the plain name.
  z.object({ action: z.literal('staff.volunteer.police'), volunteerId: id, offset: offset.optional(), checkedOn: date.optional() }),
  z.object({ action: z.literal('staff.groups.list') }),
  z.object({ action: z.literal('volunteer.contribution') }),
  z.object({ action: z.literal('volunteer.milestones'), on: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true') }),
  z.object({ action: z.literal('caregiver.signup.start') }),
  z.object({ action: z.literal('caregiver.signup.submit'), name: requiredText(100), phone }),
  z.object({ action: z.literal('caregiver.person.new') }),
  z.object({ action: z.literal('caregiver.person.submit') }).passthrough(),
  z.object({ action: z.literal('caregiver.request.new'), personId: id.optional() }),
  z.object({ action: z.literal('caregiver.request.submit') }).passthrough(),
  z.object({ action: z.literal('caregiver.requests.list') }),
  z.object({ action: z.literal('caregiver.request.cancel'), requestId: id }),
  z.object({ action: z.literal('caregiver.visit.confirm'), assignmentId: id }),
  z.object({ action: z.literal('caregiver.formalRespite') }),
  z.object({ action: z.literal('staff.group.save'), groupKey: z.string().trim().max(40).optional(), nameNb: requiredText(60), nameNn: optionalText(60), nameEn: requiredText(60) }),
  // Background-job cards (issue 4): confirmation, follow-up, escalation, consent lifecycle.
  z.object({ action: z.literal('assignment.confirm'), assignmentId: id }),
  z.object({ action: z.literal('assignment.done'), assignmentId: id, hours: z.coerce.number({ message: 'error.hours' }).min(0.25, { message: 'error.hours' }).max(24, { message: 'error.hours' }) }),
  z.object({ action: z.literal('assignment.notDone'), assignmentId: id, reason: requiredText(300) }),
  z.object({ action: z.literal('concern.report'), assignmentId: id, concern: requiredText(2000) }),
  z.object({ action: z.literal('staff.request.widen'), requestId: id }),
  z.object({ action: z.literal('staff.request.relax'), requestId: id }),
  z.object({ action: z.literal('staff.request.callList'), requestId: id }),
  z.object({ action: z.literal('staff.consent.renew'), personId: id }),
  z.object({ action: z.literal('staff.consent.withdraw'), personId: id }),
  // Privacy (issue 7): the person list, innsyn (export) and erasure with a confirm step.
  z.object({ action: z.literal('staff.privacy.persons') }),
  z.object({ action: z.literal('staff.person.export'), personId: id }),
  z.object({ action: z.literal('staff.person.erase'), personId: id }),
  z.object({ action: z.literal('staff.person.erase.confirm'), personId: id }),
  // --- series (issue 5) ---
  z.object({ action: z.literal('staff.series.cancel'), seriesId: id }),
  z.object({ action: z.literal('staff.series.cancel.confirm'), seriesId: id }),
  // The regular volunteer's own view of a taken series offer (Teams refresh, or its button): details after a check.
  z.object({ action: z.literal('series.details'), seriesOfferId: id }),
  z.object({ action: z.literal('series.accept'), seriesOfferId: id }),
  z.object({ action: z.literal('series.decline'), seriesOfferId: id }),
  z.object({ action: z.literal('series.leave.start'), seriesId: id }),
  z.object({ action: z.literal('series.leave.confirm'), seriesId: id }),
  z.object({ action: z.literal('caregiver.series.cancel'), seriesId: id }),
  z.object({ action: z.literal('caregiver.series.cancel.confirm'), seriesId: id }),
  z.object({ action: z.literal('series.list') }),
  // A new time for the visits still to come (series-form.ts seriesEditFields checks the inputs, so a
  // wrong value comes back on the form): the caregiver's own series, or staff for one who phones in.
  z.object({ action: z.literal('caregiver.series.edit.start'), seriesId: id }),
  z.object({ action: z.literal('caregiver.series.edit.submit'), seriesId: id }).passthrough(),
  z.object({ action: z.literal('staff.series.edit.start'), seriesId: id }),
  z.object({ action: z.literal('staff.series.edit.submit'), seriesId: id }).passthrough(),
  // --- caregiver feedback, link verification, phone sharing (issue 5) ---
  z.object({ action: z.literal('caregiver.feedback'), assignmentId: id, rating: z.enum(['good', 'not_good']), comment: optionalText(1000) }),
  z.object({ action: z.literal('staff.link.confirm'), personId: id }),
  z.object({ action: z.literal('staff.link.reject'), personId: id }),
  z.object({ action: z.literal('staff.link.settings') }),
  z.object({ action: z.literal('staff.link.setting'), on: toggle }),
  z.object({ action: z.literal('volunteer.sharePhone'), on: toggle }),
  // --- Teams staff channel and per-user views (issue 6) ---
  // The assignee's own view of a taken offer (Teams refresh, or its button): details after a check.
  z.object({ action: z.literal('offer.details'), offerId: id }),
  z.object({ action: z.literal('volunteer.channel'), preferredChannel: z.enum(['teams', 'webchat', 'sms', 'last']) }),
  // --- SMS and each person's channels (issue 15) ---
  z.object({ action: z.literal('volunteer.sms'), on: toggle }),
  // A caregiver's or person helped's own channels: where their notices go (issue 19).
  z.object({ action: z.literal('asker.channels') }),
  z.object({ action: z.literal('staff.volunteer.sms'), volunteerId: id, on: toggle }),
  z.object({ action: z.literal('staff.smsDetails.show') }),
  z.object({ action: z.literal('staff.smsDetails.set'), on: toggle }),
  z.object({ action: z.literal('staff.channel.show') }),
  z.object({ action: z.literal('staff.channel.link') }),
  z.object({ action: z.literal('staff.channel.unlink') }),
  // --- web chat push notifications (issue 15) ---
  // «Varsle meg»: the page registers this device first and adds what came of it (`result`).
  z.object({ action: z.literal('push.enable'), result: z.enum(PUSH_ENABLE_RESULTS).optional() }),
  z.object({ action: z.literal('push.disable') }),
  z.object({ action: z.literal('push.status') }),
  // --- issue 18: invitations, calendar feeds, politiattest settings ---
  // The code from an invitation link (the web chat page posts it) or typed to the bot.
  z.object({ action: z.literal('invitation.accept'), code: z.string().trim().min(1).max(40) }),
  z.object({ action: z.literal('calendar.show') }),
  z.object({ action: z.literal('calendar.create') }),
  z.object({ action: z.literal('staff.police.settings') }),
  z.object({
    action: z.literal('staff.police.save'),
    validityYears: z.coerce.number({ message: 'error.invalid' }).int({ message: 'error.invalid' }).min(1, { message: 'error.invalid' }).max(10, { message: 'error.invalid' }),
    requiredGroups: multiChoice,
  }),
  // «Språk»: a person's own language, and (staff) the centre's written standard.
  z.object({ action: z.literal('language.show') }),
  z.object({ action: z.literal('language.choose'), locale: z.enum(['nb', 'nn', 'en'], { message: 'error.invalid' }) }),
  z.object({ action: z.literal('staff.language.save'), locale: z.enum(['nb', 'nn'], { message: 'error.invalid' }) }),
  // --- people helped who ask for themselves (issue 19): self-signup.ts and self-request-form.ts check the inputs ---
  z.object({ action: z.literal('self.signup.start') }),
  z.object({ action: z.literal('self.signup.submit') }).passthrough(),
  z.object({ action: z.literal('self.request.new') }),
  z.object({ action: z.literal('self.request.submit') }).passthrough(),
  z.object({ action: z.literal('staff.self.setting'), on: toggle }),
]);
export type CardAction = z.output<typeof cardAction>;
export type ActionVerb = CardAction['action'];

/**
 * Each verb is declared once, in domain/verbs.ts (who may use it, whether it changes anything, where it
 * may be answered); this file gives it its payload. The compiler holds the two to the same verbs.
 */
type SameVerbs<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const payloadForEveryDeclaredVerb: SameVerbs<ActionVerb, Verb> = true;
void payloadForEveryDeclaredVerb;
