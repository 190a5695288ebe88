// Where a person can be reached, and in which order we try: the channel they chose first, then the
// others once each (Teams, web chat with push, SMS). Pure: callers say what exists, this decides.

/** The channels a person can choose between. */
export type ChannelKind = 'teams' | 'webchat' | 'sms';

/** The order fallbacks are tried in when nothing else decides. */
export const CHANNEL_KINDS: readonly ChannelKind[] = ['teams', 'webchat', 'sms'];

/** Bot Framework's SMS channels; our own SMS gateway speaks as `sms` too. */
const SMS_CHANNELS: ReadonlySet<string> = new Set(['sms', 'twilio-sms']);

/**
 * Bot Framework channels that report no Adaptive Card support (its channels reference: SMS, e-mail,
 * and the messengers that show a card as a picture at best, its buttons dead). Everything goes to them
 * as text. Any other channel (Teams, Web Chat, Direct Line, the Emulator) renders cards.
 */
const TEXT_ONLY_CHANNELS: ReadonlySet<string> = new Set([...SMS_CHANNELS, 'email', 'facebook', 'groupme', 'kik', 'line', 'slack', 'telegram', 'skypeforbusiness', 'console']);

export function channelKindOf(channelId: string): ChannelKind {
  if (channelId === 'msteams') return 'teams';
  if (SMS_CHANNELS.has(channelId)) return 'sms';
  return 'webchat';
}

/** Whether a channel shows Adaptive Cards; if not, everything goes as text (adaptive-cards/text.ts). */
export function rendersCards(channelId: string): boolean {
  return !TEXT_ONLY_CHANNELS.has(channelId);
}

/** What a person chose; null = «der jeg sist var» (where they were last). */
export type PreferredChannel = ChannelKind | null;

export interface ChannelAddress {
  kind: ChannelKind;
  /** When they last wrote to us there; null for an address staff or sign-up gave (an SMS number). */
  lastSeenAt: Date | null;
}

/**
 * The order to try a person's addresses in: the chosen channel first; then, for «where I was last»,
 * the chats by when they were last used; the rest in the fixed order Teams, web chat, SMS. Each kind
 * appears once (its most recently used address); `failed` kinds (tried for this message already) are
 * left out, so a message moves on to the next channel once and never comes back to one that failed.
 */
export function channelOrder<A extends ChannelAddress>(preferred: PreferredChannel, addresses: readonly A[], failed: ReadonlySet<ChannelKind> = new Set()): A[] {
  const best = new Map<ChannelKind, A>();
  for (const a of addresses) {
    if (failed.has(a.kind)) continue;
    const seen = best.get(a.kind);
    if (!seen || (a.lastSeenAt?.getTime() ?? -Infinity) > (seen.lastSeenAt?.getTime() ?? -Infinity)) best.set(a.kind, a);
  }
  const rank = (a: A): number => {
    if (preferred !== null) return a.kind === preferred ? 0 : 1 + CHANNEL_KINDS.indexOf(a.kind);
    // «Where I was last»: chats by recency, SMS (which nobody "visits") after them.
    return a.kind === 'sms' ? Number.MAX_SAFE_INTEGER : -(a.lastSeenAt?.getTime() ?? 0);
  };
  return [...best.values()].sort((a, b) => rank(a) - rank(b) || CHANNEL_KINDS.indexOf(a.kind) - CHANNEL_KINDS.indexOf(b.kind));
}
