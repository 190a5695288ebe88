// GET /kalender/<feed id>/<secret>.ics: a calendar feed (infra/calendar.ts). No sign-in — calendar
// apps cannot sign in — so the URL is the secret; every refusal is the same 404, and guesses are rate
// limited per address.
import type { Request, Response, Server } from 'restify';
import type { AppDeps } from './deps.ts';
import { feedIcs, openFeed } from '../infra/calendar.ts';
import { centreName } from '../infra/overview.ts';
import { clientAddress, sendTooManyRequests, type Limiter } from './rate-limit.ts';

export function registerCalendarFeed(server: Server, deps: Pick<AppDeps, 'config' | 'db' | 'log' | 'now'> & { limiter: Limiter }): void {
  const { config, db, log } = deps;
  server.get('/kalender/:feed/:secret', async (req: Request, res: Response) => {
    const verdict = await deps.limiter.consume(clientAddress(req, config.TRUST_PROXY));
    if (!verdict.ok) {
      sendTooManyRequests(res, verdict.retryAfterSeconds);
      return;
    }
    const params = req.params as Record<string, unknown>;
    const secret = String(params.secret ?? '').replace(/\.ics$/, '');
    const now = deps.now();
    try {
      const feed = await openFeed(db, String(params.feed ?? ''), secret, now);
      if (!feed) {
        res.header('Cache-Control', 'no-store');
        res.send(404, { error: { code: 'NotFound', message: 'No such calendar' } });
        return;
      }
      const ics = await feedIcs(db, feed, { now, publicBaseUrl: config.PUBLIC_BASE_URL, centreName: feed.centreId ? await centreName(db, feed.centreId) : null });
      const body = Buffer.from(ics, 'utf8');
      res.writeHead(200, {
        'Content-Type': 'text/calendar; charset=utf-8',
        'Content-Length': String(body.length),
        // The feed is someone's own; no shared cache may keep it.
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Content-Disposition': 'inline; filename="dugnad.ics"',
      });
      res.end(body);
      log.info({ route: 'calendar', kind: feed.kind, status: 200 }, 'calendar feed');
    } catch (err) {
      log.error({ err: { name: (err as Error).name }, route: 'calendar' }, 'calendar feed failed');
      if (!res.headersSent) res.send(500, { error: { code: 'Internal', message: 'Something went wrong' } });
    }
  });
}
