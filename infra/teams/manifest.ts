// The Teams app manifest (and its English localization file) as a typed function of plain data.
// Nothing here reads the environment: package-cli.ts does, so tests can build any variant.
//
// Schema 1.30 is the newest generally available version that @microsoft/app-manifest ships; its
// types and JSON schema come from that package, so the compiler and the validator agree with
// Microsoft's own tooling. Changing MANIFEST_VERSION means changing the type import with it.
import { createHash } from 'node:crypto';
import type { TeamsManifestV1D30 } from '@microsoft/app-manifest';

export type TeamsManifest = TeamsManifestV1D30.TeamsManifestV1D30;

export const MANIFEST_VERSION = '1.30' satisfies TeamsManifest['manifestVersion'];
// The official URL, without the /en-us/ locale segment some samples carry: it resolves either way,
// and this is the form the schema reference publishes.
export const MANIFEST_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const LOCALIZATION_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.Localization.schema.json`;

/** The one brand colour: the web chat's header and buttons, the tab, the web app's theme and the Teams icon. */
export const DEFAULT_ACCENT_COLOR = '#0b4a80';
export const DEFAULT_LANGUAGE = 'nb';
export const ENGLISH_LANGUAGE = 'en-US';
export const ENGLISH_FILE = 'en-US.json';
export const COLOR_ICON_FILE = 'color.png';
export const OUTLINE_ICON_FILE = 'outline.png';
export const TAB_ENTITY_ID = 'mine-oppdrag';

export interface ManifestInput {
  /** Teams app id (GUID). Stable across rebuilds, or Teams treats the upload as a different app. */
  appId: string;
  /** MicrosoftAppId of the Azure Bot registration (GUID). */
  botId: string;
  /** https origin (optionally with a path prefix) the bot is served at, e.g. https://dugnad.example.no */
  baseUrl: string;
  /** semver MAJOR.MINOR.PATCH; Teams only offers an update when this grows. */
  appVersion: string;
  accentColor?: string;
}

type Text = { nb: string; en: string };

// Each bilingual string lives once; the manifest takes .nb, en-US.json takes .en. Command titles are
// the words the user sends, so each pair must be text the bot understands (bot/dugnad-bot.ts).
const TEXT = {
  nameShort: { nb: 'Dugnad', en: 'Dugnad' },
  nameFull: { nb: 'Dugnad – frivillig hjelp', en: 'Dugnad – volunteer help' },
  descriptionShort: {
    nb: 'Frivillig hjelp fra frivilligsentralen, formidlet rett i Teams.',
    en: 'Volunteer help from your volunteer centre, arranged right in Teams.',
  },
  descriptionFull: {
    nb:
      'Dugnad bringer sammen folk som trenger en hånd og frivillige som vil hjelpe. Ansatte i ' +
      'frivilligsentralen, hjemmetjenesten og psykisk helse og rus registrerer den de hjelper, ' +
      'samtykket deres og en forespørsel. De frivillige som passer, får et tilbud med type hjelp, ' +
      'område og tidspunkt – aldri navn eller adresse. Den første som trykker «Ta oppdraget», får ' +
      'det og ser først da detaljene. Pårørende ber om avlastning og besøk for den de har omsorg for, ' +
      'og ser hvem som kommer. Frivillige ser «Mine oppdrag», kan avlyse, ta pause eller ' +
      'slutte. Hver visning av personopplysninger logges.',
    en:
      'Dugnad brings together people who need a hand and volunteers who want to help. Staff at ' +
      'the volunteer centre, home care services and mental health services register the person ' +
      'they help, their consent and a request. Matching volunteers get an offer with the kind of ' +
      'help, area and time – never a name or address. The first to tap «Take the task» gets it and ' +
      'only then sees the details. Family caregivers ask for respite and visits for the person they ' +
      'care for, and see who is coming. Volunteers see «My tasks» and can cancel, pause or leave. Every ' +
      'view of personal details is logged.',
  },
  // One tab for every role, each seeing their own: a volunteer's tasks, a caregiver's visits, staff's requests and figures.
  tabName: { nb: 'Oversikt', en: 'Overview' },
  newRequestTitle: { nb: 'Ny forespørsel', en: 'New request' },
  newRequestDescription: {
    nb: 'Be om hjelp for en bruker. Skjemaet vises bare for deg.',
    en: 'Ask for help for someone you support. Only you see the form.',
  },
} satisfies Record<string, Text>;

/**
 * The message extension's one action command: in a team channel (or any chat) staff open the request
 * form as a dialog only they see (composeExtension/fetchTask), and its submit
 * (composeExtension/submitAction) creates the request like the form in the personal chat does.
 */
export const NEW_REQUEST_COMMAND_ID = 'newRequest';

interface Command {
  title: Text;
  description: Text;
}

const PERSONAL_COMMANDS: Command[] = [
  { title: { nb: 'hei', en: 'hi' }, description: { nb: 'Vis menyen', en: 'Show the menu' } },
  { title: { nb: 'mine oppdrag', en: 'my tasks' }, description: { nb: 'Se oppdragene dine', en: 'See your tasks' } },
  { title: { nb: 'ny forespørsel', en: 'new request' }, description: { nb: 'Be om hjelp for en bruker', en: 'Ask for help for someone you support' } },
];
// In a channel or group chat every reply is seen by everyone there, so only the menu is offered;
// tasks and request forms carry personal details and belong in the personal chat.
const GROUP_COMMANDS: Command[] = [PERSONAL_COMMANDS[0]!];

const COMMAND_LISTS = [
  { scopes: ['personal'] as const, commands: PERSONAL_COMMANDS },
  { scopes: ['team', 'groupChat'] as const, commands: GROUP_COMMANDS },
];

/** The base URL with exactly one trailing slash, so relative paths append instead of replacing. */
function baseOf(baseUrl: string): URL {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/*$/, '/');
  url.search = '';
  url.hash = '';
  return url;
}

export function hostNameOf(baseUrl: string): string {
  return new URL(baseUrl).hostname;
}

export function buildManifest(input: ManifestInput): TeamsManifest {
  const base = baseOf(input.baseUrl);
  const at = (path: string) => new URL(path, base).href;
  const host = hostNameOf(input.baseUrl);
  const botId = input.botId.toLowerCase();

  return {
    $schema: MANIFEST_SCHEMA_URL,
    manifestVersion: MANIFEST_VERSION,
    version: input.appVersion,
    id: input.appId.toLowerCase(),
    localizationInfo: {
      defaultLanguageTag: DEFAULT_LANGUAGE,
      additionalLanguages: [{ languageTag: ENGLISH_LANGUAGE, file: ENGLISH_FILE }],
    },
    developer: {
      name: 'Dugnad',
      websiteUrl: base.href,
      privacyUrl: at('personvern'),
      termsOfUseUrl: at('vilkar'),
    },
    name: { short: TEXT.nameShort.nb, full: TEXT.nameFull.nb },
    description: { short: TEXT.descriptionShort.nb, full: TEXT.descriptionFull.nb },
    icons: { color: COLOR_ICON_FILE, outline: OUTLINE_ICON_FILE },
    accentColor: input.accentColor ?? DEFAULT_ACCENT_COLOR,
    bots: [
      {
        botId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: COMMAND_LISTS.map((list) => ({
          scopes: [...list.scopes],
          commands: list.commands.map((c) => ({ title: c.title.nb, description: c.description.nb })),
        })),
      },
    ],
    composeExtensions: [
      {
        botId,
        commands: [
          {
            id: NEW_REQUEST_COMMAND_ID,
            type: 'action',
            title: TEXT.newRequestTitle.nb,
            description: TEXT.newRequestDescription.nb,
            context: ['compose', 'commandBox'],
            fetchTask: true,
          },
        ],
      },
    ],
    staticTabs: [
      {
        entityId: TAB_ENTITY_ID,
        name: TEXT.tabName.nb,
        contentUrl: at('tab'),
        websiteUrl: at('tab'),
        scopes: ['personal'],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [host],
    // Reserved for tab SSO (authentication.getAuthToken): the app registration must expose this
    // Application ID URI before Teams can issue tokens for it.
    webApplicationInfo: { id: botId, resource: `api://${host}/${botId}` },
  };
}

/** Localization file keys are JSON paths into the manifest (MicrosoftTeams.Localization.schema.json). */
export function buildEnglishLocalization(): Record<string, string> {
  const strings: Record<string, string> = {
    $schema: LOCALIZATION_SCHEMA_URL,
    'name.short': TEXT.nameShort.en,
    'name.full': TEXT.nameFull.en,
    'description.short': TEXT.descriptionShort.en,
    'description.full': TEXT.descriptionFull.en,
    'staticTabs[0].name': TEXT.tabName.en,
    'composeExtensions[0].commands[0].title': TEXT.newRequestTitle.en,
    'composeExtensions[0].commands[0].description': TEXT.newRequestDescription.en,
  };
  COMMAND_LISTS.forEach((list, l) =>
    list.commands.forEach((c, i) => {
      strings[`bots[0].commandLists[${l}].commands[${i}].title`] = c.title.en;
      strings[`bots[0].commandLists[${l}].commands[${i}].description`] = c.description.en;
    }),
  );
  return strings;
}

// A fixed namespace for name-based (v5) UUIDs, so every checkout derives the same app id.
const TEAMS_APP_ID_NAMESPACE = '6f1c3b0e-8d4a-5c1e-9b7a-2f5d8e4c1a90';

/**
 * The Teams app id when TEAMS_APP_ID is unset: a name-based UUID of the bot id, so rebuilding the
 * package for the same bot gives the same app id and a re-upload updates the installed app instead
 * of adding a second one.
 */
export function deriveTeamsAppId(botId: string): string {
  return uuidV5(TEAMS_APP_ID_NAMESPACE, `teams-app:${botId.toLowerCase()}`);
}

/** RFC 9562 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
