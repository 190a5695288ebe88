// «Mine data» as a file where a bot cannot attach one (Teams takes files from bots only through a
// consent card and OneDrive): a short-lived link, unguessable and bound to one member. Redis holds the
// link's hash and the member id, nothing else; the file is built when the link is opened (and that
// export is audited like any other). Anyone holding the link within its minutes can open it, so the
// card says not to share it; it expires on its own.
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../infra/redis.ts';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { exportOwnData } from '../infra/own-data.ts';

/** How long a download link works. */
export const OWN_DATA_LINK_MINUTES = 10;
const PATH = '/mine-data';

export interface OwnDataLinks {
  /** A fresh link to this member's own data file. */
  issue(memberId: string): Promise<string>;
}

const keyOf = (prefix: string, token: string) => `${prefix}:owndata:${createHash('sha256').update(token).digest('base64url')}`;
const TOKEN = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export function registerOwnDataDownload(
  server: Server,
  deps: { db: Database; redis: RedisClient; keyPrefix: string; publicBaseUrl: string; log: Logger; now: () => Date },
): OwnDataLinks {
  server.get(`${PATH}/:token`, async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    const token = TOKEN.safeParse((req.params as Record<string, unknown> | undefined)?.token);
    try {
      const memberId = token.success ? await deps.redis.get(keyOf(deps.keyPrefix, token.data)) : null;
      const data = memberId ? await exportOwnData(deps.db, { memberId, channelId: 'download', at: deps.now() }) : null;
      if (!data) {
        res.send(404, { error: 'not_found', message: 'The link has expired. Ask Dugnad for «mine data» again.' });
        return;
      }
      const body = Buffer.from(JSON.stringify(data, null, 2), 'utf8');
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(body.length),
        'Content-Disposition': 'attachment; filename="mine-data.json"',
      });
      res.end(body);
      deps.log.info({ route: 'own-data.download', status: 200 }, 'own data downloaded');
    } catch (err) {
      deps.log.error({ err: { name: (err as Error).name }, route: 'own-data.download' }, 'own data download failed');
      if (!res.headersSent) res.send(503, { error: 'unavailable' });
    }
  });

  return {
    async issue(memberId) {
      const token = randomBytes(24).toString('base64url');
      await deps.redis.set(keyOf(deps.keyPrefix, token), memberId, 'PX', OWN_DATA_LINK_MINUTES * 60_000);
      return `${deps.publicBaseUrl.replace(/\/+$/, '')}${PATH}/${token}`;
    },
  };
}
