// Reading who and where from an incoming activity, channel-neutrally.
import type { Activity } from 'botbuilder';
import type { Locale } from '../domain/types.ts';
import type { ChatAccount, Member } from '../infra/identities.ts';
import { localeFromTag } from '../adaptive-cards/texts.ts';
import { cardChannelOf, type Channel } from '../adaptive-cards/card.ts';

export function localeOf(activity: Partial<Activity>): Locale {
  return localeFromTag(activity.locale);
}

/**
 * The language of a turn: what the person chose under «Språk»; else English or nynorsk if their
 * chat client asks for it; else, for a Norwegian client, their centre's written standard; else what
 * we hold for them. Teams and Web Chat send «nb-NO» for most people, so the centre decides there.
 */
export function turnLocale(activity: Partial<Activity>, member: Pick<Member, 'locale' | 'localeChosen' | 'centreLocale'> | null): Locale {
  if (member?.localeChosen) return member.locale;
  if (!activity.locale) return member?.locale ?? 'nb';
  const fromClient = localeOf(activity);
  return fromClient === 'nb' ? (member?.centreLocale ?? 'nb') : fromClient;
}

export function channelOfActivity(activity: Partial<Activity>): Channel {
  return cardChannelOf(activity.channelId);
}

/** In Teams a person is their Entra object id in a tenant; elsewhere the channel's user id. */
export function accountOf(activity: Partial<Activity>): ChatAccount {
  const from: { id: string; aadObjectId?: string } = activity.from ?? { id: '' };
  const tenantId =
    (activity.conversation as { tenantId?: string } | undefined)?.tenantId ??
    (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ??
    null;
  return {
    channelId: activity.channelId ?? 'unknown',
    userId: activity.channelId === 'msteams' && from.aadObjectId ? from.aadObjectId : from.id,
    tenantId,
  };
}
