// The integration API for municipal case systems: post a request with its person and consent basis,
// read its status. Bearer token per system, scoped to the centres it may post for (API_TOKENS). Same
// validation and rules as the chat form;
// docs/api.md is the contract and must change with this file.
import { createHash } from 'node:crypto';
import type restify from 'restify';
import { z } from 'zod';
import type { AppDeps } from './deps.ts';
import type { ApiClient } from '../infra/config.ts';
import { helpRequestFields, personFields } from '../adaptive-cards/actions.ts';
import { errorsFromIssues } from '../adaptive-cards/form.ts';
import { t, isMessageKey, localeFromTag, type MessageKey } from '../adaptive-cards/texts.ts';
import { getRequest, matchingSettings } from '../infra/requests.ts';
import { postFromSystem } from '../use-cases/post-from-system.ts';
import { seriesVisitOf } from '../infra/series.ts';
import { seriesFields } from '../adaptive-cards/series-form.ts';
import { centreSettings, interestGroups } from '../infra/centres.ts';
import { isApiSystemMember } from '../infra/api-clients.ts';
import { kickPendingOutbox } from '../jobs/queues.ts';
import { consentErrors } from './forms.ts';
import type { Locale } from '../domain/types.ts';
import { isPlainText } from '../domain/text.ts';

const PREFIX = '/api/v1/';

/** Missing and wrong-typed get different messages: "fill this in" is no help for a number sent as an array. */
const presence = (iss: { input?: unknown }) => (iss.input === undefined ? 'error.required' : 'error.invalid');

/** The same rule as the chat form's text fields (domain/text.ts): no NUL, no control characters. */
const plain = { message: 'error.invalidCharacters' };

const postBody = z.object({
  centreId: z.string({ error: presence }).trim().min(1, { message: 'error.required' }).max(64, { message: 'error.tooLong' }).refine(isPlainText, plain),
  // The case system's own reference. Control characters would end up in logs and reports.
  externalRef: z
    .string({ error: 'error.invalid' })
    .trim()
    .min(1, { message: 'error.required' })
    .max(100, { message: 'error.tooLong' })
    .refine((v) => isPlainText(v) && !/[\t\r\n]/.test(v), plain)
    .nullish(),
  person: z.record(z.string(), z.unknown(), { error: presence }),
  request: z.record(z.string(), z.unknown(), { error: presence }),
  recurrence: z.record(z.string(), z.unknown(), { error: 'error.invalid' }).nullish(),
});

/**
 * A repeat of the request (a series of visits on the first visit's weekday and time): the chat
 * form's recurrence fields, named for JSON — every 1 or 2 weeks, until a date or for a number of
 * visits (one of the two; the domain's rule decides, as in chat).
 */
const recurrenceFields = z
  .object({
    everyWeeks: z.union([z.literal(1), z.literal(2), z.literal('1'), z.literal('2')], { error: presence }).transform((v) => (Number(v) === 2 ? 2 : 1) as 1 | 2),
    untilDate: seriesFields.shape.untilDate,
    visitCount: seriesFields.shape.visitCount,
  })
  .refine((r) => r.untilDate === null || r.visitCount === null, { message: 'error.seriesEnd', path: ['untilDate'] });

/** JSON clients send null for "not given"; the card schemas, built for form submits, know only absent. */
const withoutNulls = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));

/** The request's person comes with the post; a personId from the body would bypass the centre check. */
const apiRequestFields = helpRequestFields.omit({ personId: true });

type FieldErrors = Record<string, MessageKey>;

/** Body-parser and routing failures happen outside our handlers; these give them the API's error format. */
const RESTIFY_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  PayloadTooLarge: [413, 'payload_too_large'],
  RequestEntityTooLarge: [413, 'payload_too_large'],
  InvalidContent: [400, 'invalid_json'],
  UnsupportedMediaType: [415, 'unsupported_media_type'],
  BadDigest: [400, 'invalid_body'],
  NotFound: [404, 'not_found'],
  MethodNotAllowed: [405, 'method_not_allowed'],
};

/** `otherNotFound`: answers a path no route took outside the API (restify allows one listener per error name). */
export function registerApi(server: restify.Server, deps: AppDeps, otherNotFound?: (req: restify.Request, res: restify.Response) => void): void {
  const { log } = deps;
  // Looked up by digest so that the time a lookup takes says nothing about how close a guess was.
  const digest = (token: string) => createHash('sha256').update(token).digest('base64');
  const systems = new Map([...deps.config.API_TOKENS].map(([token, client]) => [digest(token), client]));

  const isApi = (req: restify.Request) => req.path().startsWith(PREFIX);
  const authorise = (req: restify.Request): ApiClient | null => {
    const m = /^Bearer +(\S+) *$/i.exec(req.header('authorization') ?? '');
    return m ? (systems.get(digest(m[1]!)) ?? null) : null;
  };
  const localeOf = (req: restify.Request): Locale => localeFromTag(req.header('accept-language'));
  const translate = (locale: Locale, errors: FieldErrors): Record<string, string> =>
    Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, t(locale, key)]));
  const issuesToErrors = (issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix: string): FieldErrors => {
    // A non-object body has its issue at the root, which has no field name of its own.
    const rooted = issues.map((i) => (i.path.length ? i : { ...i, path: ['body'] }));
    return Object.fromEntries(Object.entries(errorsFromIssues<string>(rooted)).map(([f, key]) => [`${prefix}${f}`, key as MessageKey]));
  };
  const unauthorised = (res: restify.Response) => {
    res.header('www-authenticate', 'Bearer realm="dugnad"');
    res.send(401, { error: 'unauthorized' });
  };
  /** Any failure becomes a bare 500: no stack, no SQL, no row values (PostgreSQL's `detail` can hold a person's name). */
  const guarded = (route: string, handler: (req: restify.Request, res: restify.Response) => Promise<void>) => async (req: restify.Request, res: restify.Response) => {
    try {
      await handler(req, res);
    } catch (err) {
      const e = err as { name?: string; code?: string };
      log.error({ route, errName: e?.name, errCode: e?.code }, 'api: request failed');
      if (!res.headersSent) res.send(500, { error: 'internal' });
    }
  };

  // Authentication before the body is read or parsed: a caller without a token learns nothing, and
  // costs us no parsing. The route handlers check again, in case routing ever matches another spelling.
  server.pre(function apiAuth(req: restify.Request, res: restify.Response, next: restify.Next) {
    if (!isApi(req)) return next();
    if (!authorise(req)) {
      unauthorised(res);
      return next(false);
    }
    // gzip would be inflated without limit before the size check sees it.
    const encoding = (req.header('content-encoding') ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      res.send(415, { error: 'unsupported_media_type' });
      return next(false);
    }
    return next();
  });

  for (const [event, [status, code]] of Object.entries(RESTIFY_ERRORS)) {
    // restify fires the named error event before 'restifyError' and sends nothing itself once a
    // listener has answered. One listener per name: restify's callback must run exactly once.
    server.on(event, (req: restify.Request, res: restify.Response, _err: unknown, cb: () => void) => {
      if (isApi(req) && !res.headersSent) res.send(status, { error: code });
      else if (event === 'NotFound') otherNotFound?.(req, res);
      return cb();
    });
  }

  server.post(
    '/api/v1/requests',
    guarded('api.requests.post', async (req, res) => {
      const client = authorise(req);
      if (!client) return unauthorised(res);
      const { system } = client;
      const locale = localeOf(req);
      res.header('content-language', locale);
      const invalid = (errors: FieldErrors) => res.send(400, { error: 'invalid_body', errors: translate(locale, errors) });
      if (!req.is('json')) return void res.send(415, { error: 'unsupported_media_type' });

      const body = postBody.safeParse(req.body);
      if (!body.success) return invalid(issuesToErrors(body.error.issues, ''));
      const person = personFields.safeParse(withoutNulls(body.data.person));
      const request = apiRequestFields.safeParse(withoutNulls(body.data.request));
      const repeat = body.data.recurrence ? recurrenceFields.safeParse(withoutNulls(body.data.recurrence)) : null;
      const errors: FieldErrors = {
        ...(person.success ? {} : issuesToErrors(person.error.issues, 'person.')),
        ...(request.success ? {} : issuesToErrors(request.error.issues, 'request.')),
        ...(repeat && !repeat.success ? issuesToErrors(repeat.error.issues, 'recurrence.') : {}),
      };
      const now = deps.now();
      // The same consent rule as the chat forms (domain/consent.ts); calendar dates are the schema's.
      if (person.success) Object.assign(errors, consentErrors(person.data, now, 'system', 'person.'));
      if (Object.keys(errors).length || !person.success || !request.success) return invalid(errors);

      const { centreId } = body.data;
      if (!(await centreSettings(deps.db, centreId))) return invalid({ centreId: 'error.unknownCentre' });
      // A token posts for the centres it was given, no other: their people and staff are not its business.
      if (!client.centreIds.includes(centreId)) return void res.send(403, { error: 'forbidden' });
      if (!(await interestGroups(deps.db, [centreId])).some((g) => g.key === request.data.group)) return invalid({ 'request.group': 'error.unknownGroup' });

      // The system name cannot contain ':' (API_TOKENS is split on it), so the prefix is unambiguous.
      const externalRef = body.data.externalRef ? `${system}:${body.data.externalRef}` : null;
      const outcome = await postFromSystem(deps.db, {
        system, centreId, externalRef, person: person.data, request: request.data, now,
        rule: repeat?.success ? { intervalWeeks: repeat.data.everyWeeks, untilDate: repeat.data.untilDate, visitCount: repeat.data.visitCount } : null,
        consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS, matching: matchingSettings(deps.config),
      });
      if (!outcome.ok && outcome.problem === 'duplicate') {
        return void res.send(409, { error: 'duplicate', errors: translate(locale, { externalRef: 'error.duplicate' }), id: outcome.existingId });
      }
      if (!outcome.ok) {
        // The rule's own errors belong to the recurrence; the rest to the request.
        const path = (f: string) => (f === 'untilDate' || f === 'visitCount' ? `recurrence.${f}` : `request.${f}`);
        const keyed = Object.fromEntries(Object.entries(outcome.errors).map(([f, key]) => [path(f), isMessageKey(key) ? key : 'error.invalid'])) as FieldErrors;
        return void res.send(400, { error: 'invalid_body', errors: translate(locale, keyed) });
      }
      const result = outcome.created;

      await kickPendingOutbox(deps);
      if ('seriesId' in result) {
        // A series: one request per visit, each readable with GET; the first one's id is the post's.
        const first = result.visits[0]!.requestId;
        res.header('location', `${PREFIX}requests/${first}`);
        const visits = result.visits.map((v) => ({ id: v.requestId, startsAt: v.startsAt.toISOString() }));
        return void res.send(201, { id: first, seriesId: result.seriesId, status: result.status, offered: result.offered, visits });
      }
      res.header('location', `${PREFIX}requests/${result.requestId}`);
      res.send(201, { id: result.requestId, status: result.status, offered: result.offered });
    }),
  );

  server.get(
    '/api/v1/requests/:id',
    guarded('api.requests.get', async (req, res) => {
      const client = authorise(req);
      if (!client) return unauthorised(res);
      const { system } = client;
      const notFound = () => res.send(404, { error: 'not_found' });
      const id = z.uuid().safeParse(req.params.id);
      if (!id.success) return notFound();
      const request = await getRequest(deps.db, id.data);
      // Another system's request is "not found", not "forbidden": its existence is not theirs to learn.
      if (!request || !client.centreIds.includes(request.centreId) || !(await isApiSystemMember(deps.db, system, request.createdBy))) return notFound();
      const visit = await seriesVisitOf(deps.db, request.id);
      // Status and the public facts only: personal details never leave through this endpoint.
      res.send(200, {
        id: request.id,
        status: request.status,
        centreId: request.centreId,
        group: request.group,
        district: request.district,
        startsAt: request.startsAt.toISOString(),
        flexibleUntil: request.flexibleUntil?.toISOString() ?? null,
        durationMinutes: request.durationMinutes,
        wave: request.wave,
        // A visit of a recurring request names its series (the POST's seriesId) and its place in it.
        series: visit ? { id: visit.seriesId, visit: visit.occurrence } : null,
      });
    }),
  );
}
