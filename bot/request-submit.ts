// The request form's submit, for staff and for caregivers alike: the fields are checked (zod, the
// centre's interest groups, whatever the asker adds), a repeat goes to the series path, and errors go
// back on the form. Only the checks the asker adds and the words of the answer differ.
import { helpRequestFields, type HelpRequestFields } from '../adaptive-cards/actions.ts';
import type { AdaptiveCard } from '../adaptive-cards/card.ts';
import type { FormErrors, FormValues } from '../adaptive-cards/form.ts';
import type { RequestField } from '../adaptive-cards/request-form.ts';
import { offersHeldUntil } from '../jobs/schedule.ts';
import { WAVE_QUEUED_BY_THE_TURN, queueWave } from '../jobs/offer-slices.ts';
import { matchingSettings } from '../infra/requests.ts';
import { postRequest, type PostRequestResult } from '../use-cases/post-request.ts';
import { formErrors, submittedValues } from './forms.ts';
import { asksForSeries, submitSeries } from './series-commands.ts';
import { groupOptions } from './volunteer-commands.ts';
import type { BotDeps } from './deps.ts';
import type { Turn } from './turn.ts';

export interface RequestSubmit {
  /** The submitted card data (with any defaults the asker fills in). */
  raw: Record<string, unknown>;
  /** Rebuilds the form with the values and the errors, for another try. */
  form: (values: FormValues<string>, errors: FormErrors<string>) => Promise<AdaptiveCard>;
  /** Checks only this asker makes (a caregiver asks only about their own people). */
  extraErrors?: (fields: HelpRequestFields) => Promise<Partial<Record<RequestField, string>>>;
  /** Answers a saved single request (a series answers for itself); `goesOutAt` while quiet hours hold its offers. */
  saved: (result: Extract<PostRequestResult, { ok: true }>, goesOutAt: Date | null) => Promise<void>;
}

export async function submitRequest(deps: BotDeps, turn: Turn, s: RequestSubmit): Promise<void> {
  const centreId = turn.member!.centreIds[0] ?? '';
  const parsed = helpRequestFields.safeParse(s.raw);
  let errors: Partial<Record<RequestField, string>> = parsed.success ? {} : formErrors<RequestField>(parsed.error);
  if (parsed.success) {
    Object.assign(errors, (await s.extraErrors?.(parsed.data)) ?? {});
    const groups = await groupOptions(deps.db, [centreId], turn.locale);
    if (!groups.some((g) => g.key === parsed.data.group)) errors.group = 'error.unknownGroup';
  }
  if (parsed.success && Object.keys(errors).length === 0) {
    if (asksForSeries(s.raw)) return submitSeries(deps, turn, parsed.data, s.raw, s.form);
    // Offers quiet hours hold are the dispatch's to release; the others this turn queues itself.
    const heldUntil = offersGoOutAt(deps, turn.now, parsed.data.urgent, turn.now);
    const result = await postRequest(deps.db, {
      centreId, createdBy: turn.member!.id, fields: parsed.data, source: 'chat', now: turn.now, matching: matchingSettings(deps.config),
      idsUpTo: heldUntil ? 0 : WAVE_QUEUED_BY_THE_TURN,
    });
    if (result.ok) {
      const queued = queueWaveOf(deps, result, turn.now);
      await s.saved(result, result.status === 'open' ? heldUntil : null);
      // Queued here, or left to the look after the turn (and, failing that, the poller).
      if (queued) turn.outboxHandled = await queued;
      return;
    }
    errors = result.errors as Partial<Record<RequestField, string>>;
  }
  await turn.replace(await s.form(submittedValues(s.raw), errors));
}

/**
 * The posted wave queued while the answer is written (jobs/offer-slices.ts queueWave): resolves true once
 * it is, false if Redis refused (logged; the outbox row stays for the look after the turn). Null when
 * there is no wave to queue here.
 */
function queueWaveOf(deps: BotDeps, result: Extract<PostRequestResult, { ok: true }>, now: Date): Promise<boolean> | null {
  const wave = result.wave;
  if (!wave?.outboxId || !wave.offerIds) return null;
  return queueWave(deps.queues, result.requestId, { outboxId: wave.outboxId, offerIds: wave.offerIds }, now).then(
    () => true,
    (err: Error) => (deps.log.warn({ err: err.message }, 'the posted wave was not queued; the outbox row stays for the dispatch'), false),
  );
}

/** When offers saved at `savedAt` reach volunteers, while quiet hours still hold them (null: they may go). */
export function offersGoOutAt(deps: Pick<BotDeps, 'config'>, savedAt: Date, urgent: boolean, now: Date): Date | null {
  return offersHeldUntil(savedAt, urgent, now, { quietStart: deps.config.QUIET_HOURS_START, quietEnd: deps.config.QUIET_HOURS_END });
}
