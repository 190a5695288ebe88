// Who may reach a turn at all. With app credentials every POST to /api/messages must carry a Bot
// Framework channel token (botbuilder validates signature, issuer, audience = our app id, expiry and
// the token's serviceurl claim against the activity), and then our own policy: the activity's
// serviceUrl must be a host we allow, and a Teams activity must come from a tenant we allow. A
// refused request is answered 401/403 before any turn runs, so nothing about it is stored.
import {
  CallerIdConstants,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, ConnectorClient, type ConnectorFactory, type UserTokenClient } from 'botframework-connector';
import type { Config } from '../infra/config.ts';

export type ChannelAuthentication = ConfigurationBotFrameworkAuthentication;
export type AuthenticateRequestResult = Awaited<ReturnType<ChannelAuthentication['authenticateRequest']>>;
/** What signs the bot's replies to the connector (an app token from Entra ID, normally). */
export type OutboundCredentials = Awaited<ReturnType<ConfigurationServiceClientCredentialFactory['createCredentials']>>;

/**
 * The public-cloud values botbuilder uses when nothing is overridden (botframework-connector 4.23.3
 * AuthenticationConstants). Setting one "parameterized" option makes botbuilder take all of them
 * from us, so overriding the key source alone means spelling out the rest.
 */
export const BOT_FRAMEWORK = {
  tokenIssuer: 'https://api.botframework.com',
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  loginUrl: 'https://login.microsoftonline.com/botframework.com',
  oauthScope: 'https://api.botframework.com',
  oauthUrl: 'https://api.botframework.com',
} as const;

/**
 * Inbound checks (is this our app id? is auth off?) always come from config. Only the outbound
 * signer can be replaced, and only in code: tests hand in a stub so a reply needs no token from
 * login.microsoftonline.com, while every inbound token is still validated for real.
 */
class AppCredentials extends ConfigurationServiceClientCredentialFactory {
  constructor(
    config: Config,
    private readonly outbound: OutboundCredentials | undefined,
  ) {
    super({
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    });
  }

  override async createCredentials(appId: string, audience: string, loginEndpoint: string, validateAuthority: boolean): Promise<OutboundCredentials> {
    if (!this.outbound) return super.createCredentials(appId, audience, loginEndpoint, validateAuthority);
    if (!(await this.isValidAppId(appId))) throw new Error('Invalid appId.');
    return this.outbound;
  }
}

/** As many service URLs as a bot meets (Teams' regions, Web Chat, our Direct Line); a forged one cannot grow it past this. */
const MOST_CLIENTS = 64;

/**
 * botbuilder's CloudAdapter builds two Azure service clients for every turn — the ConnectorClient
 * (whose credentials sign the turn's replies, bot/turn-replies.ts) and a UserTokenClient (OAuth
 * sign-in, which Dugnad does not use) — each with its own HTTP pipeline: about a tenth of a turn's
 * CPU, spent again on every turn. botbuilder's older
 * BotFrameworkAdapter kept one ConnectorClient per service URL, app and scope; this does the same.
 * A client holds only its configuration and the app's credentials, which keep and renew their own
 * token, so one serves every turn sent to that service URL. What is checked per request (the token,
 * the gate's service URL and tenant rules) is still checked per request.
 */
class ReusedClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokens = new Map<string, Promise<UserTokenClient>>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reused(result.connectorFactory, result.claimsIdentity) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reused(super.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remembered(this.userTokens, appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  /** The factory botbuilder made for this request's app, answering from the clients already built. */
  private reused(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return { create: (serviceUrl: string, audience?: string) => remembered(this.connectors, `${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience)) } as ConnectorFactory;
  }
}

/** The app a request's clients act for, as botbuilder reads it (ParameterizedBotFrameworkAuthentication's getAppId). */
const appIdOf = (identity: ClaimsIdentity) => identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';

/** The value kept under `key`, made once; a failed make is forgotten, so the next turn tries again. */
function remembered<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const kept = cache.get(key);
  if (kept) return kept;
  if (cache.size >= MOST_CLIENTS) cache.delete(cache.keys().next().value!);
  const made = make();
  cache.set(key, made);
  made.catch(() => cache.get(key) === made && cache.delete(key));
  return made;
}

export function createChannelAuthentication(config: Config, outbound?: OutboundCredentials): ChannelAuthentication {
  const options: Record<string, string | boolean> = {
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  };
  // Config refuses this in production: whoever serves these keys could mint any channel token.
  if (config.BOT_OPENID_METADATA_URL) {
    Object.assign(options, {
      ToBotFromChannelOpenIdMetadataUrl: config.BOT_OPENID_METADATA_URL,
      ToBotFromChannelTokenIssuer: BOT_FRAMEWORK.tokenIssuer,
      ToBotFromEmulatorOpenIdMetadataUrl: BOT_FRAMEWORK.emulatorOpenIdMetadataUrl,
      ToChannelFromBotLoginUrl: BOT_FRAMEWORK.loginUrl,
      ToChannelFromBotOAuthScope: BOT_FRAMEWORK.oauthScope,
      OAuthUrl: BOT_FRAMEWORK.oauthUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
      ValidateAuthority: true,
    });
  }
  return new ReusedClientsAuthentication(options, new AppCredentials(config, outbound));
}

export type GateVerdict =
  | { ok: true; auth: AuthenticateRequestResult }
  | { ok: false; status: 401 | 403 | 503; code: string; message: string; reason: string };

export interface ChannelGate {
  check(activity: Activity, authorization: string): Promise<GateVerdict>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createChannelGate(config: Config, auth: ChannelAuthentication): ChannelGate {
  const allowedHosts = new Set(config.SERVICE_URL_HOSTS);
  const allowedTenants = new Set(config.ALLOWED_TENANT_IDS);
  const refuse = (status: 401 | 403 | 503, reason: string): GateVerdict => ({
    ok: false,
    status,
    reason,
    code: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'ServiceUnavailable',
    message: status === 401 ? 'The request is not authorized' : status === 403 ? 'This sender is not allowed' : 'Try again later',
  });

  return {
    async check(activity, authorization) {
      let result: AuthenticateRequestResult;
      try {
        // Anonymous (no app id, development only): botbuilder answers with an anonymous identity.
        result = await auth.authenticateRequest(activity, authorization);
      } catch (err) {
        // botbuilder throws AuthenticationError for most refusals but lets jsonwebtoken's errors
        // (bad signature, malformed token) through, which CloudAdapter would answer with 500.
        const e = err as { name?: string; statusCode?: number };
        if (e.name === 'FetchError' || (typeof e.statusCode === 'number' && e.statusCode >= 500)) return refuse(503, 'keys_unavailable');
        return refuse(401, 'token');
      }
      if (config.anonymous) return { ok: true, auth: result };

      // The token binds the activity to its serviceUrl; the allow-list decides whether we will ever
      // post replies (with conversation content) there.
      const serviceUrl = new URL(activity.serviceUrl);
      const host = serviceUrl.hostname.toLowerCase();
      if (!allowedHosts.has(host)) return refuse(403, 'service_url_host');
      if (serviceUrl.protocol !== 'https:' && !LOOPBACK.has(host)) return refuse(403, 'service_url_scheme');

      if (activity.channelId === 'msteams') {
        const fromConversation = (activity.conversation as { tenantId?: string | null } | undefined)?.tenantId ?? null;
        const fromChannelData = (activity.channelData as { tenant?: { id?: string | null } | null } | undefined)?.tenant?.id ?? null;
        // Both name the tenant; if they disagree, one of them is forged.
        if (fromConversation && fromChannelData && fromConversation.toLowerCase() !== fromChannelData.toLowerCase()) return refuse(403, 'tenant_mismatch');
        const tenant = (fromChannelData ?? fromConversation)?.toLowerCase() ?? null;
        if (allowedTenants.size > 0 && (tenant === null || !allowedTenants.has(tenant))) return refuse(403, 'tenant');
      }
      return { ok: true, auth: result };
    },
  };
}

/**
 * Whether this turn may be recorded (conversation reference, chat identity): only when a channel
 * token vouched for it, or when the bot runs anonymously in development. The gate already refuses
 * everything else before a turn exists; this is the second lock on the same door.
 */
export function mayRecordTurn(context: TurnContext, config: Pick<Config, 'anonymous' | 'dev'>): boolean {
  if (config.anonymous) return config.dev;
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as
    | { isAuthenticated: boolean; getClaimValue(type: string): string | null }
    | undefined;
  // A validated token always has an issuer; botbuilder's anonymous identities have no claims at all.
  return Boolean(identity?.isAuthenticated && identity.getClaimValue('iss'));
}

/** The issuer our own Direct Line endpoint vouches with (web sign-in, bot/web-signin.ts). */
export const DIRECT_LINE_ISSUER = 'urn:dugnad:directline';

/**
 * What the signed-in web chat's turns run with. They never come over /api/messages (which only takes
 * Bot Framework channel tokens): the Direct Line endpoint, having checked the chat token that binds
 * the user id, hands the activity to the bot in-process with this identity. Its issuer makes
 * mayRecordTurn accept the turn; the bot's replies go back to the Direct Line endpoint signed with
 * `connectorToken`, which that endpoint requires.
 */
export function directLineTurnAuth(config: Pick<Config, 'MicrosoftAppId'>, connectorToken: string): AuthenticateRequestResult {
  return inProcessTurnAuth(config, DIRECT_LINE_ISSUER, connectorToken);
}

/** The issuer our SMS webhook vouches with, once the gateway's callback carried our secret (bot/sms-webhook.ts). */
export const SMS_ISSUER = 'urn:dugnad:sms';

/**
 * A turn one of our own endpoints has authenticated and runs in-process under `issuer`. Replies, if any
 * reach a connector, are signed with `connectorToken` (the SMS webhook catches its replies before that).
 */
export function inProcessTurnAuth(config: Pick<Config, 'MicrosoftAppId'>, issuer: string, connectorToken: string): AuthenticateRequestResult {
  const claimsIdentity = new ClaimsIdentity(
    [
      { type: 'iss', value: issuer },
      // botbuilder reads the bot's own app id from these to build its token client.
      { type: 'aud', value: config.MicrosoftAppId },
      { type: 'appid', value: config.MicrosoftAppId },
    ],
    true,
  );
  const credentials = {
    async signRequest<T extends { headers: { set(name: string, value: string): void } }>(request: T): Promise<T> {
      request.headers.set('authorization', `Bearer ${connectorToken}`);
      return request;
    },
  };
  return {
    audience: issuer,
    callerId: issuer,
    claimsIdentity,
    connectorFactory: {
      create: async (serviceUrl: string) => new ConnectorClient(credentials as unknown as ConstructorParameters<typeof ConnectorClient>[0], { baseUri: serviceUrl }),
    },
  };
}
