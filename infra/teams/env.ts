// The package's inputs, checked with zod. Takes an env-shaped object (the CLI passes process.env)
// so the rules are testable without touching the real environment.
import { z } from 'zod';
import { deriveTeamsAppId, type ManifestInput } from './manifest.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Teams compares versions as MAJOR.MINOR.PATCH numbers; pre-release tags are rejected on upload.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

const guid = z.string().regex(GUID, { message: 'must be a GUID like 00000000-0000-0000-0000-000000000000' });

const publicBaseUrl = z.string().superRefine((v, ctx) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an https URL like https://dugnad.example.no' });
    return;
  }
  // Teams loads tabs and validDomains only over https, and the Bot Service requires it too.
  if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must start with https://' });
  else if (url.username || url.password || url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must be a plain https URL without credentials, query or fragment' });
});

const schema = z.object({
  MicrosoftAppId: guid,
  PUBLIC_BASE_URL: publicBaseUrl,
  TEAMS_APP_ID: guid.optional(),
  TEAMS_APP_VERSION: z.string().regex(SEMVER, { message: 'must be a version like 1.2.3' }).optional(),
});

export class TeamsEnvError extends Error {}

/**
 * Reads the Teams package settings from an env object; throws TeamsEnvError with one line naming
 * the first wrong variable. `packageVersion` (package.json) is the default app version.
 */
export function teamsInputFromEnv(env: Record<string, string | undefined>, packageVersion: string): ManifestInput {
  // Empty means unset, as in infra/config.ts: `.env` files write `NAME=` for "no value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '').map(([k, v]) => [k, v!.trim()]));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = cleaned[name];
    const message = value === undefined ? 'is required' : issue.message;
    throw new TeamsEnvError(`Teams package: ${name} ${message}${value === undefined ? '' : ` (got "${value}")`}`);
  }
  const e = parsed.data;
  const appVersion = e.TEAMS_APP_VERSION ?? packageVersion;
  if (!SEMVER.test(appVersion)) throw new TeamsEnvError(`Teams package: TEAMS_APP_VERSION is unset and package.json's version "${appVersion}" is not MAJOR.MINOR.PATCH`);
  return {
    botId: e.MicrosoftAppId.toLowerCase(),
    appId: (e.TEAMS_APP_ID ?? deriveTeamsAppId(e.MicrosoftAppId)).toLowerCase(),
    baseUrl: e.PUBLIC_BASE_URL,
    appVersion,
  };
}
