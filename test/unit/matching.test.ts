import { describe, expect, it } from 'vitest';
import { windowsFromKeys } from '../../domain/availability.ts';
import {
  INELIGIBILITY_REASONS,
  accountIneligibilityReasons,
  compareCandidates,
  eligibleVolunteers,
  haversineKm,
  ineligibilityReasons,
  takeWave,
  type IneligibilityReason,
  type MatchContext,
  type RankedCandidate,
} from '../../domain/matching.ts';
import type { HelpRequest, Volunteer } from '../../domain/types.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const HAMAR = { lat: 60.7945, lon: 11.068 };
/** About `km` north of Hamar centre (1° latitude ≈ 111.195 km). */
const north = (km: number) => ({ lat: HAMAR.lat + km / 111.195, lon: HAMAR.lon });

function volunteer(overrides: Partial<Volunteer> = {}): Volunteer {
  return {
    id: 'v-base',
    centreIds: ['c-hamar'],
    status: 'approved',
    district: 'Sentrum',
    postcode: '2317',
    location: north(1),
    groups: ['besoksvenn', 'handlehjelp'],
    languages: ['nb'],
    // Wednesday 08:00–17:00
    availability: windowsFromKeys(['3:morning', '3:afternoon']),
    weeklyCap: 2,
    comfort: 'any',
    signedDeclarationVersion: 3,
    policeCertificateCheckedAt: null,
    pausedUntil: null,
    ...overrides,
  };
}

function request(overrides: Partial<HelpRequest> = {}): HelpRequest {
  return {
    id: 'r-1',
    centreId: 'c-hamar',
    group: 'besoksvenn',
    district: 'Sentrum',
    // Wednesday 10 June 2026, 11:30–13:00 in Oslo (CEST, UTC+2)
    startsAt: new Date('2026-06-10T09:30:00Z'),
    durationMinutes: 90,
    flexibleUntil: null,
    summary: 'Besøk og en kopp kaffe',
    requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false },
    urgent: false,
    status: 'open',
    personId: 'p-1',
    createdBy: 's-1',
    location: HAMAR,
    wave: 0,
    ...overrides,
  };
}

function context(overrides: Partial<MatchContext> = {}): MatchContext {
  return {
    now: new Date('2026-06-01T10:00:00Z'),
    currentDeclarationVersion: 3,
    maxDistanceKm: 10,
    weeklyLoad: new Map(),
    recentOffers: new Map(),
    recentTasks: new Map(),
    helpedBefore: new Set(),
    excluded: new Set(),
    timeZone: TIME_ZONE,
    ...overrides,
  };
}

const requirements = (r: Partial<HelpRequest['requirements']>) => ({ ...request().requirements, ...r });

/** Both entry points must agree: explain gives exactly these reasons, ranking includes iff none. */
function expectVerdict(v: Volunteer, r: HelpRequest, ctx: MatchContext, reasons: IneligibilityReason[]) {
  expect(ineligibilityReasons(r, v, ctx)).toEqual(reasons);
  expect(eligibleVolunteers(r, [v], ctx).map((c) => c.volunteerId)).toEqual(reasons.length === 0 ? [v.id] : []);
}

describe('eligibility', () => {
  it('accepts the base volunteer for the base request', () => {
    expectVerdict(volunteer(), request(), context(), []);
  });

  describe('account', () => {
    it.each(['pending', 'removed'] as const)('refuses status %s as not approved', (status) => {
      expectVerdict(volunteer({ status }), request(), context(), ['not_approved']);
    });

    it('reports a paused status as paused, not as unapproved', () => {
      expectVerdict(volunteer({ status: 'paused' }), request(), context(), ['paused']);
    });

    it('honours pausedUntil up to and including now', () => {
      const ctx = context();
      expectVerdict(volunteer({ pausedUntil: new Date('2026-06-02T00:00:00Z') }), request(), ctx, ['paused']);
      expectVerdict(volunteer({ pausedUntil: new Date(ctx.now.getTime()) }), request(), ctx, []);
      expectVerdict(volunteer({ pausedUntil: new Date('2026-05-01T00:00:00Z') }), request(), ctx, []);
    });

    it('needs the current declaration version, not just any signature', () => {
      expectVerdict(volunteer({ signedDeclarationVersion: null }), request(), context(), ['declaration_not_signed']);
      expectVerdict(volunteer({ signedDeclarationVersion: 2 }), request(), context(), ['declaration_not_signed']);
      expectVerdict(volunteer({ signedDeclarationVersion: 4 }), request(), context(), ['declaration_not_signed']);
    });

    it('explains account problems without a request', () => {
      const ctx = context();
      expect(accountIneligibilityReasons(volunteer(), ctx)).toEqual([]);
      expect(
        accountIneligibilityReasons(volunteer({ status: 'pending', signedDeclarationVersion: null }), ctx),
      ).toEqual(['not_approved', 'declaration_not_signed']);
      expect(accountIneligibilityReasons(volunteer({ pausedUntil: new Date('2026-07-01T00:00:00Z') }), ctx)).toEqual(['paused']);
    });
  });

  it('requires membership of the request centre', () => {
    expectVerdict(volunteer({ centreIds: ['c-elverum'] }), request(), context(), ['other_centre']);
    expectVerdict(volunteer({ centreIds: ['c-elverum', 'c-hamar'] }), request(), context(), []);
  });

  it('requires the interest group', () => {
    expectVerdict(volunteer({ groups: ['turvenn'] }), request(), context(), ['wrong_group']);
    expectVerdict(volunteer({ groups: [] }), request(), context(), ['wrong_group']);
  });

  describe('comfort preference', () => {
    it('gives first-time-friendly-only volunteers only first-time-friendly tasks', () => {
      const v = volunteer({ comfort: 'first_time_friendly_only' });
      expectVerdict(v, request(), context(), ['comfort']);
      expectVerdict(v, request({ requirements: requirements({ staffAlong: true }) }), context(), ['comfort']);
      expectVerdict(v, request({ requirements: requirements({ firstTimeFriendly: true }) }), context(), []);
    });

    it('gives staff-along-only volunteers only tasks where staff come along', () => {
      const v = volunteer({ comfort: 'staff_along_only' });
      expectVerdict(v, request(), context(), ['comfort']);
      expectVerdict(v, request({ requirements: requirements({ firstTimeFriendly: true }) }), context(), ['comfort']);
      expectVerdict(v, request({ requirements: requirements({ staffAlong: true }) }), context(), []);
    });

    it('gives everything to volunteers open to anything', () => {
      expectVerdict(volunteer(), request({ requirements: requirements({ staffAlong: true }) }), context(), []);
    });
  });

  it('requires a checked police certificate only where the task needs one', () => {
    const needs = request({ requirements: requirements({ policeCertificate: true }) });
    expectVerdict(volunteer(), needs, context(), ['police_certificate']);
    expectVerdict(volunteer({ policeCertificateCheckedAt: new Date('2025-09-01T00:00:00Z') }), needs, context(), []);
    expectVerdict(volunteer(), request(), context(), []);
  });

  it('requires the language when one is asked for', () => {
    const arabic = request({ requirements: requirements({ language: 'ar' }) });
    expectVerdict(volunteer(), arabic, context(), ['language']);
    expectVerdict(volunteer({ languages: ['nb', 'ar'] }), arabic, context(), []);
    expectVerdict(volunteer({ languages: ['ar'] }), request({ requirements: requirements({ language: 'AR' }) }), context(), []);
  });

  it('keeps volunteers under their weekly cap', () => {
    const v = volunteer({ id: 'v-cap', weeklyCap: 2 });
    expectVerdict(v, request(), context({ weeklyLoad: new Map([['v-cap', 2]]) }), ['weekly_cap']);
    expectVerdict(v, request(), context({ weeklyLoad: new Map([['v-cap', 1]]) }), []);
    expectVerdict(volunteer({ weeklyCap: 0 }), request(), context(), ['weekly_cap']);
  });

  describe('area', () => {
    it('matches the same district regardless of case and stray spaces', () => {
      expectVerdict(volunteer({ district: 'SENTRUM ', location: null }), request(), context(), []);
    });

    it('matches another district within the distance limit', () => {
      expectVerdict(volunteer({ district: 'Ajer', location: north(9.5) }), request(), context(), []);
      expectVerdict(volunteer({ district: 'Ajer', location: north(10.5) }), request(), context(), ['area']);
    });

    it('refuses another district when either location is unknown', () => {
      expectVerdict(volunteer({ district: 'Ajer', location: null }), request(), context(), ['area']);
      expectVerdict(volunteer({ district: 'Ajer', location: north(1) }), request({ location: null }), context(), ['area']);
    });

    it('does not treat two empty districts as the same area', () => {
      expectVerdict(volunteer({ district: '', location: null }), request({ district: '' }), context(), ['area']);
    });
  });

  describe('availability', () => {
    it('needs the whole task inside the windows, in Oslo local time', () => {
      // 11:30–13:00 local needs both morning and afternoon.
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:morning']) }), request(), context(), ['unavailable']);
      expectVerdict(volunteer({ availability: windowsFromKeys(['4:morning', '4:afternoon']) }), request(), context(), ['unavailable']);
    });

    it('reads the start as local time, not UTC', () => {
      // 06:30Z is 08:30 in Oslo in June: a morning volunteer fits, though 06:30 would not.
      const early = request({ startsAt: new Date('2026-06-10T06:30:00Z'), durationMinutes: 60 });
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:morning']) }), early, context(), []);
      // 05:30Z is 07:30 local: before the morning window.
      const tooEarly = request({ startsAt: new Date('2026-06-10T05:30:00Z'), durationMinutes: 60 });
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:morning']) }), tooEarly, context(), ['unavailable']);
    });

    it('uses winter time in winter', () => {
      // 14 January 2026 is a Wednesday; 10:30Z is 11:30 CET.
      const winter = request({ startsAt: new Date('2026-01-14T10:30:00Z'), durationMinutes: 30 });
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:morning']) }), winter, context({ now: new Date('2026-01-01T00:00:00Z') }), []);
    });

    it('accepts a task that ends exactly when the window ends', () => {
      // 15:30–17:00 local
      const r = request({ startsAt: new Date('2026-06-10T13:30:00Z') });
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:afternoon']) }), r, context(), []);
      expectVerdict(volunteer({ availability: windowsFromKeys(['3:afternoon']) }), request({ startsAt: new Date('2026-06-10T13:31:00Z') }), context(), ['unavailable']);
    });

    it('lets any overlap with a flexible request suffice', () => {
      const evenings = volunteer({ availability: windowsFromKeys(['3:evening']) });
      // Any time between 11:30 and 18:00 local: the evening window from 17:00 overlaps.
      expectVerdict(evenings, request({ flexibleUntil: new Date('2026-06-10T16:00:00Z') }), context(), []);
      // Until 17:00 only touches the window.
      expectVerdict(evenings, request({ flexibleUntil: new Date('2026-06-10T15:00:00Z') }), context(), ['unavailable']);
    });

    it('lets a flexible request reach into the next days', () => {
      const fridays = volunteer({ availability: windowsFromKeys(['5:morning']) });
      expectVerdict(fridays, request({ flexibleUntil: new Date('2026-06-12T08:00:00Z') }), context(), []);
      expectVerdict(fridays, request({ flexibleUntil: new Date('2026-06-11T20:00:00Z') }), context(), ['unavailable']);
    });

    it('treats flexibleUntil at or before the start as a fixed time', () => {
      const mornings = volunteer({ availability: windowsFromKeys(['3:morning']) });
      expectVerdict(mornings, request({ flexibleUntil: new Date('2026-06-10T09:30:00Z') }), context(), ['unavailable']);
    });
  });

  it('leaves out excluded volunteers', () => {
    expectVerdict(volunteer({ id: 'v-x' }), request(), context({ excluded: new Set(['v-x']) }), ['excluded']);
  });

  it('lists every reason, in the documented order', () => {
    const v = volunteer({
      id: 'v-all',
      status: 'pending',
      signedDeclarationVersion: null,
      centreIds: ['c-elverum'],
      groups: ['turvenn'],
      comfort: 'staff_along_only',
      languages: ['en'],
      weeklyCap: 0,
      district: 'Ajer',
      location: null,
      availability: [],
      pausedUntil: new Date('2026-07-01T00:00:00Z'),
    });
    const r = request({ requirements: requirements({ language: 'ar', policeCertificate: true }) });
    const reasons = ineligibilityReasons(r, v, context({ excluded: new Set(['v-all']) }));
    expect(reasons).toEqual([...INELIGIBILITY_REASONS]);
  });
});

describe('ranking', () => {
  const ids = (cs: RankedCandidate[]) => cs.map((c) => c.volunteerId);

  it('puts someone who helped this person before first (continuity)', () => {
    const vs = [
      volunteer({ id: 'v-near', location: north(0.5) }),
      volunteer({ id: 'v-known', location: north(8) }),
    ];
    const ctx = context({ helpedBefore: new Set(['v-known']), recentOffers: new Map([['v-known', 9]]) });
    expect(ids(eligibleVolunteers(request(), vs, ctx))).toEqual(['v-known', 'v-near']);
  });

  it('prefers the fewest recent offers plus tasks over distance (fairness)', () => {
    const vs = [
      volunteer({ id: 'v-eager', location: north(0.2) }),
      volunteer({ id: 'v-rested', location: north(6) }),
      volunteer({ id: 'v-middle', location: north(3) }),
    ];
    const ctx = context({
      recentOffers: new Map([['v-eager', 4], ['v-middle', 1]]),
      recentTasks: new Map([['v-eager', 2], ['v-middle', 1]]),
    });
    const ranked = eligibleVolunteers(request(), vs, ctx);
    expect(ids(ranked)).toEqual(['v-rested', 'v-middle', 'v-eager']);
    expect(ranked.map((c) => c.recentLoad)).toEqual([0, 2, 6]);
  });

  it('then prefers the nearest, with unknown distance last', () => {
    const vs = [
      volunteer({ id: 'v-unknown', location: null }),
      volunteer({ id: 'v-far', location: north(7) }),
      volunteer({ id: 'v-close', location: north(2) }),
    ];
    const ranked = eligibleVolunteers(request(), vs, context());
    expect(ids(ranked)).toEqual(['v-close', 'v-far', 'v-unknown']);
    expect(ranked[0]!.distanceKm).toBeCloseTo(2, 2);
    expect(ranked[2]!.distanceKm).toBeNull();
  });

  it('breaks exact ties by id, whatever the input order', () => {
    const vs = ['v-c', 'v-a', 'v-b'].map((id) => volunteer({ id, location: north(1) }));
    expect(ids(eligibleVolunteers(request(), vs, context()))).toEqual(['v-a', 'v-b', 'v-c']);
    expect(ids(eligibleVolunteers(request(), [...vs].reverse(), context()))).toEqual(['v-a', 'v-b', 'v-c']);
  });

  it('reports the facts it ranked on', () => {
    const [c] = eligibleVolunteers(
      request(),
      [volunteer({ id: 'v-1' })],
      context({ helpedBefore: new Set(['v-1']), recentOffers: new Map([['v-1', 3]]), recentTasks: new Map([['v-1', 1]]) }),
    );
    expect(c).toMatchObject({ volunteerId: 'v-1', helpedBefore: true, recentLoad: 4 });
    expect(c!.volunteer.id).toBe('v-1');
    expect(c!.distanceKm).toBeCloseTo(1, 2);
  });

  it('does not reorder the caller’s array', () => {
    const vs = ['v-c', 'v-a', 'v-b'].map((id) => volunteer({ id }));
    eligibleVolunteers(request(), vs, context());
    expect(vs.map((v) => v.id)).toEqual(['v-c', 'v-a', 'v-b']);
  });

  it('returns nothing for an empty pool', () => {
    expect(eligibleVolunteers(request(), [], context())).toEqual([]);
  });

  it('agrees with ineligibilityReasons and compareCandidates on a large mixed pool', () => {
    let seed = 20260610;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const keys = ['3:morning', '3:afternoon', '3:evening', '4:morning', '5:evening'];
    // Ids share prefixes, differ in length, and include code units above 0xFF, to exercise the id tie-break.
    const idStems = ['v', 'v-', 'vol-0', 'vol-00', 'ÆØÅ-', 'Øst', '\u4e2d\u6587-', 'zz'];
    const places = [null, north(0.5), north(0.5), north(3), north(9.9), north(12)];
    const pool: Volunteer[] = [];
    for (let i = 0; i < 3000; i++) {
      pool.push(
        volunteer({
          id: `${pick(idStems)}${Math.floor(rnd() * 400)}-${i}`,
          status: rnd() < 0.9 ? 'approved' : pick(['pending', 'paused', 'removed'] as const),
          centreIds: rnd() < 0.9 ? ['c-hamar'] : ['c-elverum'],
          district: pick(['Sentrum', 'sentrum', 'Ajer', 'Vang']),
          location: pick(places),
          groups: rnd() < 0.85 ? ['besoksvenn'] : ['turvenn'],
          languages: rnd() < 0.2 ? ['nb', 'ar'] : ['nb'],
          availability: windowsFromKeys(keys.filter(() => rnd() < 0.6)),
          weeklyCap: Math.floor(rnd() * 3),
          comfort: pick(['any', 'any', 'any', 'first_time_friendly_only', 'staff_along_only'] as const),
          signedDeclarationVersion: rnd() < 0.9 ? 3 : 2,
          policeCertificateCheckedAt: rnd() < 0.5 ? new Date('2025-01-01T00:00:00Z') : null,
          pausedUntil: rnd() < 0.05 ? new Date('2026-07-01T00:00:00Z') : null,
        }),
      );
    }
    const some = (p: number) => pool.filter(() => rnd() < p).map((v) => v.id);
    const ctx = context({
      weeklyLoad: new Map(some(0.3).map((id) => [id, 1])),
      recentOffers: new Map(some(0.5).map((id) => [id, Math.floor(rnd() * 3)])),
      recentTasks: new Map(some(0.2).map((id) => [id, 1])),
      helpedBefore: new Set(some(0.02)),
      excluded: new Set(some(0.05)),
    });
    for (const r of [request(), request({ requirements: requirements({ firstTimeFriendly: true }) }), request({ flexibleUntil: new Date('2026-06-11T20:00:00Z') })]) {
      const ranked = eligibleVolunteers(r, pool, ctx);
      const expected = pool.filter((v) => ineligibilityReasons(r, v, ctx).length === 0).map((v) => v.id);
      expect(ranked.length).toBeGreaterThan(100);
      expect(new Set(ids(ranked))).toEqual(new Set(expected));
      expect(ids(ranked)).toEqual(ids([...ranked].sort(compareCandidates)));
      // Ties on load and distance exist, so the id tie-break is really exercised.
      const tied = ranked.filter((c, i) => i > 0 && compareCandidates({ ...c, volunteerId: '' }, { ...ranked[i - 1]!, volunteerId: '' }) === 0);
      expect(tied.length).toBeGreaterThan(10);
    }
  });
});

describe('compareCandidates', () => {
  const base = (o: Partial<RankedCandidate>): RankedCandidate => ({
    volunteerId: 'v',
    volunteer: volunteer(),
    helpedBefore: false,
    recentLoad: 0,
    distanceKm: null,
    ...o,
  });

  it('compares distance in whole metres, then id', () => {
    expect(compareCandidates(base({ volunteerId: 'b', distanceKm: 1.0001 }), base({ volunteerId: 'a', distanceKm: 1.0003 }))).toBeGreaterThan(0);
    expect(compareCandidates(base({ volunteerId: 'a', distanceKm: 1.0004 }), base({ volunteerId: 'b', distanceKm: 1.0016 }))).toBeLessThan(0);
  });

  it('orders unknown distance after any known one', () => {
    expect(compareCandidates(base({ distanceKm: 15000 }), base({ distanceKm: null }))).toBeLessThan(0);
  });
});

describe('takeWave', () => {
  const ranked = eligibleVolunteers(
    request(),
    ['v-1', 'v-2', 'v-3', 'v-4', 'v-5'].map((id) => volunteer({ id })),
    context(),
  );

  it('takes the next candidates in rank order, skipping those already offered', () => {
    expect(takeWave(ranked, new Set(), 2).map((c) => c.volunteerId)).toEqual(['v-1', 'v-2']);
    expect(takeWave(ranked, new Set(['v-1', 'v-2', 'v-4']), 2).map((c) => c.volunteerId)).toEqual(['v-3', 'v-5']);
  });

  it('returns fewer when the pool runs out, and none for size 0', () => {
    expect(takeWave(ranked, new Set(['v-1', 'v-2', 'v-3']), 10).map((c) => c.volunteerId)).toEqual(['v-4', 'v-5']);
    expect(takeWave(ranked, new Set(), 0)).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN])('rejects wave size %s', (size) => {
    expect(() => takeWave(ranked, new Set(), size)).toThrow(RangeError);
  });
});

describe('haversineKm', () => {
  it('gives one degree of latitude as about 111.195 km', () => {
    expect(haversineKm(60, 11, 61, 11)).toBeCloseTo(111.195, 2);
  });

  it('gives Hamar–Elverum as about 28.5 km', () => {
    expect(haversineKm(60.7945, 11.068, 60.8819, 11.5623)).toBeCloseTo(28.5, 0);
  });

  it('is zero for the same point', () => {
    expect(haversineKm(60.79, 11.07, 60.79, 11.07)).toBe(0);
  });
});
