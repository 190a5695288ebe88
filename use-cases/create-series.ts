// Staff, a caregiver or a case system asks for a series of visits (bot/series-commands.ts,
// bot/api.ts): the rule is checked (domain/series.ts), then the same checks and consent gate as a
// single request (use-cases/post-request.ts), and in one transaction the rule and every visit are
// stored (each visit audited) and the series is offered whole to the first wave of volunteers
// (`series.offers` in the outbox). Without valid consent the visits wait, as single requests do, and
// are released one by one when consent comes: the series offer is for a series that can start now.
import type { Database, Queryable } from '../infra/db.ts';
import { audit } from '../infra/audit.ts';
import { insertRequestRow, rankCandidates, type MatchingSettings } from '../infra/requests.ts';
import { insertSeriesOffers, insertSeriesRow, seriesAnchor } from '../infra/series.ts';
import type { BroadcastHold } from '../domain/consent.ts';
import { takeWave } from '../domain/matching.ts';
import { expandSeries, seriesRuleError, type SeriesRule } from '../domain/series.ts';
import { osloWallClock } from '../domain/time-zone.ts';
import { postingGate } from './post-request.ts';
import { releaseSeriesIn } from './release-series.ts';

export type CreateSeriesResult =
  | { ok: true; seriesId: string; status: 'open' | 'waiting_consent'; heldFor: BroadcastHold | null; visits: Array<{ requestId: string; startsAt: Date }>; offered: number }
  | { ok: false; errors: Record<string, string> };

export async function createSeries(
  db: Database,
  input: {
    centreId: string;
    createdBy: string;
    fields: Parameters<typeof insertRequestRow>[1]['fields'];
    rule: Omit<SeriesRule, 'firstDate' | 'time'>;
    source: 'chat' | 'api';
    /** A case system's reference: on the first visit only (it is unique per system). */
    externalRef?: string | null;
    now: Date;
    matching: MatchingSettings;
  },
): Promise<CreateSeriesResult> {
  const f = input.fields;
  const rule: SeriesRule = { ...input.rule, firstDate: f.date, time: f.time };
  const ruleError = seriesRuleError(rule);
  if (ruleError) return { ok: false, errors: { [rule.visitCount !== null ? 'visitCount' : 'untilDate']: ruleError } };
  const visits = expandSeries(rule);
  if (visits[0]!.startsAt.getTime() <= input.now.getTime()) return { ok: false, errors: { date: 'error.past' } };
  if (f.flexibleUntilTime && osloWallClock(f.date, f.flexibleUntilTime).getTime() <= visits[0]!.startsAt.getTime()) {
    return { ok: false, errors: { flexibleUntilTime: 'error.flexibleBeforeStart' } };
  }
  // The same gate as a single request: valid consent, and no caregiver link waiting for staff.
  const gate = await postingGate(db, input);
  if (!gate) return { ok: false, errors: { personId: 'error.unknownPerson' } };
  const { heldFor, status } = gate;

  return db.transaction(async (tx) => {
    const seriesId = await insertSeriesRow(tx, input, rule, status);
    const stored: Array<{ requestId: string; startsAt: Date }> = [];
    for (const v of visits) {
      const flexibleUntil = f.flexibleUntilTime ? osloWallClock(v.date, f.flexibleUntilTime) : null;
      const row = { ...input, externalRef: v.occurrence === 1 ? (input.externalRef ?? null) : null };
      const requestId = await insertRequestRow(tx, row, { startsAt: v.startsAt, flexibleUntil, status, seriesId, occurrence: v.occurrence });
      await audit(tx, { actorId: input.createdBy, action: 'request.create', requestId, personId: f.personId, at: input.now });
      stored.push({ requestId, startsAt: v.startsAt });
    }
    const offered = status === 'open' ? await sendSeriesWave(tx, seriesId, input.now, input.matching) : 0;
    return { ok: true as const, seriesId, status, heldFor, visits: stored, offered };
  });
}

/**
 * Offers the series to the best-ranked volunteers for its first visit (continuity first, then
 * availability on that weekday and time). Nobody eligible: the visits go out one by one at once
 * (use-cases/release-series.ts).
 */
async function sendSeriesWave(tx: Queryable, seriesId: string, now: Date, matching: MatchingSettings): Promise<number> {
  const anchor = await seriesAnchor(tx, seriesId);
  if (!anchor) return 0;
  const { ranked, excluded } = await rankCandidates(tx, anchor, now, matching, { anyArea: false });
  const wave = takeWave(ranked, excluded, matching.waveSize);
  if (wave.length === 0) {
    await releaseSeriesIn(tx, seriesId, now, matching);
    return 0;
  }
  return insertSeriesOffers(tx, seriesId, wave.map((c) => c.volunteerId), now);
}
