// Reading who and where from an incoming activity, channel-neutrally.
import type { Activity } from 'botbuilder';
import type { Locale } from '../domain/types.ts';
import type { ChatAccount } from '../infra/identities.ts';
import type { Channel } from '../adaptive-cards/card.ts';

export function localeOf(activity: Partial<Activity>): Locale {
  return (activity.locale ?? '').toLowerCase().startsWith('en') ? 'en' : 'nb';
}

export function channelOfActivity(activity: Partial<Activity>): Channel {
  return activity.channelId === 'msteams' ? 'teams' : 'webchat';
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
