// The integration API for municipal case systems: post a request with its person and consent basis,
// read its status. Bearer token per system (API_TOKENS). Same validation and rules as the chat form.
import type restify from 'restify';
import { z } from 'zod';
import type { AppDeps } from './app.ts';
import { helpRequestFields, personFields } from '../adaptive-cards/actions.ts';
import { t, isMessageKey } from '../adaptive-cards/texts.ts';
import { createRequest, getRequest } from '../infra/requests.ts';
import { registerPerson } from '../infra/persons.ts';
import { centreSettings } from '../infra/centres.ts';
import { systemMember } from '../infra/api-clients.ts';
import { kickPendingOutbox } from './outbox-kick.ts';
import type { Locale } from '../domain/types.ts';

const postBody = z.object({
  centreId: z.string().min(1).max(64),
  externalRef: z.string().min(1).max(100).optional(),
  person: z.record(z.string(), z.unknown()),
  request: z.record(z.string(), z.unknown()),
});

export function registerApi(server: restify.Server, deps: AppDeps): void {
  const authorise = (req: restify.Request): string | null => {
    const h = req.header('authorization') ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7).trim() : '';
    return deps.config.API_TOKENS.get(token) ?? null;
  };
  const localeOf = (req: restify.Request): Locale => ((req.header('accept-language') ?? '').toLowerCase().startsWith('en') ? 'en' : 'nb');
  const messages = (locale: Locale, issues: z.core.$ZodIssue[], prefix: string) =>
    Object.fromEntries(issues.map((i) => [`${prefix}${String(i.path[0] ?? '')}`, isMessageKey(i.message) ? t(locale, i.message) : t(locale, 'error.invalid')]));

  server.post('/api/v1/requests', async (req, res) => {
    const system = authorise(req);
    if (!system) return res.send(401, { error: 'unauthorized' });
    const locale = localeOf(req);
    const body = postBody.safeParse(req.body);
    if (!body.success) return res.send(400, { error: 'invalid_body', errors: messages(locale, body.error.issues, '') });
    const person = personFields.safeParse(body.data.person);
    const request = helpRequestFields.omit({ personId: true }).safeParse(body.data.request);
    if (!person.success || !request.success) {
      return res.send(400, {
        error: 'invalid_body',
        errors: { ...(person.success ? {} : messages(locale, person.error.issues, 'person.')), ...(request.success ? {} : messages(locale, request.error.issues, 'request.')) },
      });
    }
    const centre = await centreSettings(deps.db, body.data.centreId);
    if (!centre) return res.send(400, { error: 'invalid_body', errors: { centreId: t(locale, 'error.unknownCentre') } });
    const now = deps.now();
    const staffId = await systemMember(deps.db, system, body.data.centreId);
    const { personId } = await registerPerson(deps.db, { centreId: body.data.centreId, staffId, fields: person.data, at: now, consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS });
    const result = await createRequest(deps.db, {
      centreId: body.data.centreId,
      createdBy: staffId,
      fields: { ...request.data, personId },
      source: 'api',
      externalRef: body.data.externalRef ? `${system}/${body.data.externalRef}` : null,
      now,
      matching: { waveSize: deps.config.WAVE_SIZE, maxDistanceKm: deps.config.MATCH_MAX_DISTANCE_KM },
    }).catch((err: { code?: string }) => {
      if (err.code === '23505') return { ok: false as const, errors: { externalRef: 'error.duplicate' } };
      throw err;
    });
    if (!result.ok) {
      return res.send(400, { error: 'invalid_body', errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [`request.${k}`, isMessageKey(v) ? t(locale, v) : v])) });
    }
    await kickPendingOutbox(deps);
    res.header('location', `/api/v1/requests/${result.requestId}`);
    return res.send(201, { id: result.requestId, status: result.status, offered: result.offered });
  });

  server.get('/api/v1/requests/:id', async (req, res) => {
    const system = authorise(req);
    if (!system) return res.send(401, { error: 'unauthorized' });
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) return res.send(404, { error: 'not_found' });
    const request = await getRequest(deps.db, id.data);
    const owner = request ? await deps.db.query<{ user_id: string }>(`SELECT user_id FROM chat_identities WHERE channel_id = 'api' AND member_id = $1`, [request.createdBy]) : [];
    if (!request || owner[0]?.user_id !== system) return res.send(404, { error: 'not_found' });
    // Status only: personal details never leave through this endpoint.
    return res.send(200, {
      id: request.id,
      status: request.status,
      centreId: request.centreId,
      group: request.group,
      district: request.district,
      startsAt: request.startsAt.toISOString(),
      durationMinutes: request.durationMinutes,
      wave: request.wave,
    });
  });
}
