/**
 * The web chat page: Microsoft Web Chat served from node_modules (no CDN). With web sign-in
 * configured it offers the sign-in buttons and chats as the signed-in person; otherwise, in
 * development only, a picker lets you act as one of the demo identities.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { DemoIdentity } from './directline.ts';
import { LOCALES, t } from '../adaptive-cards/texts.ts';
import webChatStrings from '../adaptive-cards/locales/webchat-nn.json' with { type: 'json' };

// Web Chat's own words in nynorsk; the note for translators is not one of them.
const { _comment: _, ...webChatNynorsk } = webChatStrings;
import { registerWebApp, webAppHead } from './web-app.ts';
import type { Locale } from '../domain/types.ts';
import type { Queryable } from '../infra/db.ts';
import { getMember, memberIdOfAccount } from '../infra/identities.ts';
import { escapeHtml, htmlHead, jsonForScript, ownAsset, sendAsset, sendPage, vendorBundle } from './page-assets.ts';

export interface WebChatPageOptions {
  identities: DemoIdentity[];
  allowIdentityPicker: boolean;
  /** Configured web sign-in providers (bot/web-signin.ts); when any, the page signs in instead of picking. */
  signInProviders?: ('idporten' | 'entra')[];
  /** Where DirectLineJS finds the Direct Line API, e.g. '/v3/directline' or an absolute URL. */
  directLineDomain: string;
  /** VAPID public key when «Varsle meg» can work (bot/push-routes.ts); null or absent = no push. */
  pushPublicKey?: string | null;
}

const IdentitiesSchema = z
  .array(
    z.object({
      id: z.string().min(1).max(128),
      name: z.string().min(1).max(128),
      role: z.enum(['volunteer', 'staff', 'caregiver', 'person', 'new']),
    }),
  )
  .refine((list) => new Set(list.map((i) => i.id)).size === list.length, 'identity ids must be unique');

const ROLE_GROUPS: { role: DemoIdentity['role']; label: string }[] = [
  { role: 'volunteer', label: 'Frivillig' },
  { role: 'staff', label: 'Ansatt' },
  { role: 'caregiver', label: 'Pårørende' },
  { role: 'person', label: 'Trenger hjelp (bruker)' },
  { role: 'new', label: 'Ny bruker' },
];

function pickerHtml(identities: DemoIdentity[]): string {
  let index = 0;
  const groups = ROLE_GROUPS.map(({ role, label }) => {
    const members = identities.filter((identity) => identity.role === role);
    if (members.length === 0) return '';
    const options = members
      .map((identity) => {
        const id = `identity-${index++}`;
        return `<div class="choice"><input type="radio" name="identity" id="${id}" value="${escapeHtml(identity.id)}" required><label for="${id}">${escapeHtml(identity.name)}</label></div>`;
      })
      .join('\n');
    return `<fieldset class="group"><legend>${label}</legend>\n${options}\n</fieldset>`;
  }).join('\n');

  return `<form id="picker" class="picker" novalidate>
<p class="intro">Dette er en testside for utvikling. Velg hvem du vil være i samtalen.</p>
<p id="invitation-note" class="notice" hidden></p>
<fieldset class="who">
<legend>Hvem er du?</legend>
${groups}
</fieldset>
<fieldset class="group">
<legend>Språk</legend>
<div class="choice"><input type="radio" name="locale" id="locale-nb" value="nb-NO" checked><label for="locale-nb">Norsk bokmål</label></div>
<div class="choice"><input type="radio" name="locale" id="locale-nn" value="nn-NO"><label for="locale-nn" lang="nn">Norsk nynorsk</label></div>
<div class="choice"><input type="radio" name="locale" id="locale-en" value="en-US"><label for="locale-en" lang="en">English</label></div>
</fieldset>
<p id="picker-error" class="error" role="alert"></p>
<button type="submit" class="primary">Start samtalen</button>
</form>`;
}

const SIGN_IN_TEXTS = {
  idporten: { button: 'webSignIn.idporten', hint: 'webSignIn.idportenHint' },
  entra: { button: 'webSignIn.entra', hint: 'webSignIn.entraHint' },
} as const;

function signInHtml(providers: ('idporten' | 'entra')[]): string {
  const options = providers
    .map(
      // A link, not a form: CSP form-action would also govern the redirect on to the provider.
      (id) => `<div class="signin-option">
<a class="button primary" href="/auth/login/${id}" id="signin-${id}" aria-describedby="signin-${id}-hint">${escapeHtml(t('nb', SIGN_IN_TEXTS[id].button))}</a>
<p id="signin-${id}-hint" class="hint">${escapeHtml(t('nb', SIGN_IN_TEXTS[id].hint))}</p>
</div>`,
    )
    .join('\n');
  return `<header class="topbar">
<h1>Dugnad</h1>
<div class="session" id="session" hidden>
<p id="who" class="who-text">${escapeHtml(t('nb', 'webSignIn.signedIn'))}</p>
<form method="post" action="/auth/logout"><button type="submit" id="logout" class="secondary">${escapeHtml(t('nb', 'webSignIn.logout'))}</button></form>
</div>
</header>
<main id="main" class="main">
<section id="signin" class="picker" aria-labelledby="signin-intro" hidden>
<p id="signin-intro" class="intro">${escapeHtml(t('nb', 'webSignIn.intro'))}</p>
<p id="invitation-note" class="notice" hidden></p>
<p id="picker-error" class="error" role="alert"></p>
${options}
</section>
<section id="chat-section" class="chat-section" aria-labelledby="chat-heading" hidden>
<h2 id="chat-heading" class="visually-hidden">Samtale</h2>
<div id="chat" class="chat"></div>
</section>
${offlineHtml()}
</main>`;
}

/** «Ingen nett»: shown by the page when it cannot reach the server (the shell itself came from the service worker). */
function offlineHtml(): string {
  return `<section id="offline" class="offline" role="status" aria-labelledby="offline-title" hidden>
<h2 id="offline-title">${escapeHtml(t('nb', 'app.offlineTitle'))}</h2>
<p id="offline-text">${escapeHtml(t('nb', 'app.offline'))}</p>
<button type="button" id="offline-retry" class="primary">${escapeHtml(t('nb', 'app.retry'))}</button>
</section>`;
}

function pageHtml(options: WebChatPageOptions, webChatUrl: string): string {
  const signInProviders = options.signInProviders ?? [];
  const mode = signInProviders.length > 0 ? 'signin' : options.allowIdentityPicker ? 'picker' : 'off';
  const config = {
    mode,
    identities: options.identities,
    directLineDomain: options.directLineDomain.replace(/\/+$/, ''),
    chatFailed: t('nb', 'webSignIn.chatFailed'),
    pushPublicKey: options.pushPublicKey ?? null,
    // The page's own words for the app states, in both languages (the chat's language decides).
    texts: Object.fromEntries(
      LOCALES.map((l) => [l, { offlineTitle: t(l, 'app.offlineTitle'), offline: t(l, 'app.offline'), retry: t(l, 'app.retry') }]),
    ),
    invitationNote: t('nb', 'webchat.invitationNote'),
    webChatStrings: { 'nn-NO': webChatNynorsk },
  };
  const scripts = `<script type="application/json" id="dugnad-config">${jsonForScript(config)}</script>
<script src="${webChatUrl}" defer></script>
<script src="/webchat/app.js" defer></script>`;
  const body = mode === 'signin'
    ? `${signInHtml(signInProviders)}
${scripts}`
    : mode === 'picker'
    ? `<header class="topbar">
<h1>Dugnad</h1>
<div class="session" id="session" hidden>
<p id="who" class="who-text"></p>
<button type="button" id="switch-user" class="secondary">Bytt bruker</button>
</div>
</header>
<main id="main" class="main">
${pickerHtml(options.identities)}
<section id="chat-section" class="chat-section" aria-labelledby="chat-heading" hidden>
<h2 id="chat-heading" class="visually-hidden">Samtale</h2>
<div id="chat" class="chat"></div>
</section>
${offlineHtml()}
</main>
${scripts}`
    : `<header class="topbar"><h1>Dugnad</h1></header>
<main id="main" class="main">
<div class="notice">
<p>Innlogging er ikke satt opp ennå.</p>
<p>Bruk Dugnad i Microsoft Teams inntil videre.</p>
</div>
</main>`;

  return `${htmlHead('/webchat/app.css', 'nb', mode === 'off' ? '' : webAppHead())}
<body>
${body}
</body>
</html>
`;
}

function contentSecurityPolicy(directLineDomain: string): string {
  let connect = "'self'";
  if (/^https?:\/\//i.test(directLineDomain)) connect += ` ${new URL(directLineDomain).origin}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Web Chat injects its styles at run time (emotion) and Adaptive Cards sets inline styles.
    "style-src 'self' 'unsafe-inline'",
    // Cards may show images from anywhere; Web Chat uses data: and blob: URLs for its own icons.
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    `connect-src ${connect}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // The installable app: its service worker and manifest are our own files.
    "worker-src 'self'",
    "manifest-src 'self'",
  ].join('; ');
}

export function registerWebChatPage(server: Server, options: WebChatPageOptions): void {
  const identities = IdentitiesSchema.parse(options.identities);
  const webChat = vendorBundle('botframework-webchat', 'dist/webchat.js');
  // The version is in the path so the bundle can be cached for good and still change on upgrade.
  const webChatUrl = `/webchat/${encodeURIComponent(webChat.version)}/webchat.js`;
  const webChatJs = webChat.asset;
  const appJs = ownAsset('webchat-app.js');
  const appCss = ownAsset('webchat.css');
  const html = Buffer.from(pageHtml({ ...options, identities }, webChatUrl), 'utf8');
  const csp = contentSecurityPolicy(options.directLineDomain);

  server.get('/', async (_req: Request, res: Response) => sendPage(res, html, csp));
  // restify 12 only accepts handlers that are async or take `next`.
  server.get(webChatUrl, async (req: Request, res: Response) => sendAsset(req, res, webChatJs));
  server.get('/webchat/app.js', async (req: Request, res: Response) => sendAsset(req, res, appJs));
  server.get('/webchat/app.css', async (req: Request, res: Response) => sendAsset(req, res, appCss));
  // The installable app: manifest, icons, and the service worker keeping this page's shell offline.
  registerWebApp(server, {
    shell: [
      { url: '/', body: html },
      { url: webChatUrl, body: Buffer.from(webChat.version) },
      { url: '/webchat/app.js', body: appJs.body },
      { url: '/webchat/app.css', body: appCss.body },
    ],
  });
}

/** The page's language tags, one per language Dugnad writes (the picker offers the same three). */
const WEB_CHAT_TAG: Record<Locale, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-US' };

/**
 * A signed-in person's page speaks their language (the one they chose, else their centre's written
 * standard), so Web Chat's own words match the bot's. Null for someone we do not know yet.
 */
export async function webChatLocaleOf(db: Queryable, userId: string): Promise<string | null> {
  const memberId = await memberIdOfAccount(db, 'webchat', userId);
  const member = memberId ? await getMember(db, memberId) : null;
  return member ? WEB_CHAT_TAG[member.locale] : null;
}
