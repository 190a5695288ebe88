// Each person's channels: where offers go first (Teams, web chat, SMS, or where they were last), SMS
// on or off as a fallback, staff turning SMS on for a volunteer who phones in, and the coordinator's
// choice of whether names and addresses may go by SMS.
import { askerChannelsCard, channelChoiceLabel, type ChannelChoiceInput } from '../adaptive-cards/channel-choice.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { smsDetailsCard } from '../adaptive-cards/sms-details.ts';
import { displayMsisdn } from '../domain/sms.ts';
import { channelChoiceOf, channelSettingsOf, disableSms, enableSms, setPreferredChannel, type EnableSmsResult } from '../infra/channels.ts';
import { sendsSmsDetails, setSmsDetails } from '../infra/centres.ts';
import type { MessageKey } from '../adaptive-cards/texts.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';
import { mayPerform } from '../domain/permissions.ts';

/** What the status card shows about a member's channels; null when there is nothing to show. */
export async function channelChoiceFor(deps: Pick<BotDeps, 'db' | 'config'>, memberId: string): Promise<ChannelChoiceInput | null> {
  const settings = await channelSettingsOf(deps.db, memberId);
  return settings ? channelChoiceOf(settings, deps.config.sms !== null) : null;
}

/**
 * After a profile is saved: SMS first when chosen on the form (chat first again when not), and an SMS
 * number kept in step with the profile's phone.
 */
export async function smsAfterProfileSaved(deps: Pick<BotDeps, 'db' | 'config'>, turn: Turn, memberId: string, channel: 'chat' | 'sms'): Promise<void> {
  if (!deps.config.sms) return;
  const settings = await channelSettingsOf(deps.db, memberId);
  if (!settings) return;
  if (channel === 'chat' && settings.preferred === 'sms') await setPreferredChannel(deps.db, memberId, null);
  if (channel === 'sms' || settings.sms === 'on') {
    const result = await enableSms(deps.db, memberId, { prefer: channel === 'sms' });
    if (!result.ok) await turn.say(REFUSED[result.reason]);
  }
}

/** What the profile form shows as the channel: SMS when it comes first, else the chat. */
export async function channelOnForm(deps: Pick<BotDeps, 'db'>, memberId: string): Promise<'chat' | 'sms'> {
  return (await channelSettingsOf(deps.db, memberId))?.preferred === 'sms' ? 'sms' : 'chat';
}

const REFUSED: Record<Extract<EnableSmsResult, { ok: false }>['reason'], MessageKey> = { noPhone: 'channelChoice.noPhone', taken: 'channelChoice.phoneTaken' };

export function channelCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  /** A caregiver or a person helped: their notices are what goes where they choose. */
  const asker = (turn: Turn) => mayPerform(turn.member?.role ?? null, 'asker.channels');
  const saved = (turn: Turn, text: string) =>
    turn.replace(noticeCard(turn.card, { title: turn.t(asker(turn) ? 'channelChoice.askerTitle' : 'status.title'), text, tone: 'success', menuButton: true }));
  const smsOn = async (turn: Turn, memberId: string, prefer: boolean): Promise<EnableSmsResult | null> => {
    if (!deps.config.sms) {
      await turn.say('channelChoice.smsUnavailable');
      return null;
    }
    const result = await enableSms(db, memberId, { prefer });
    if (!result.ok) await turn.say(REFUSED[result.reason]);
    return result;
  };

  return {
    'volunteer.channel': async (turn, action) => {
      const me = turn.member!.id;
      if (action.preferredChannel === 'sms') {
        const result = await smsOn(turn, me, true);
        if (!result?.ok) return;
      } else {
        await setPreferredChannel(db, me, action.preferredChannel === 'last' ? null : action.preferredChannel);
      }
      await saved(turn, turn.t(asker(turn) ? 'channelChoice.askerSaved' : 'channelChoice.saved', { choice: channelChoiceLabel(turn.card, action.preferredChannel) }));
    },

    'volunteer.sms': async (turn, action) => {
      const me = turn.member!.id;
      if (!action.on) {
        await disableSms(db, me);
        return saved(turn, turn.t('channelChoice.smsRemoved'));
      }
      const result = await smsOn(turn, me, false);
      if (result?.ok) await saved(turn, turn.t('channelChoice.smsSaved', { phone: displayMsisdn(result.msisdn) }));
    },

    'asker.channels': async (turn) => {
      const choice = await channelChoiceFor(deps, turn.member!.id);
      if (!choice) return turn.say('error.unexpected');
      await turn.send(askerChannelsCard(turn.card, choice));
    },

    // Someone who phones the centre: staff turn SMS on (first) or off for them.
    'staff.volunteer.sms': async (turn, action) => {
      const own = await db.query<{ name: string | null }>(
        `SELECT m.name FROM volunteer_centres vc JOIN members m ON m.id = vc.member_id WHERE vc.member_id = $1 AND vc.centre_id = $2 AND m.left_at IS NULL`,
        [action.volunteerId, turn.member!.centreIds[0] ?? ''],
      );
      if (!own[0]) return turn.say('error.invalidAction');
      const name = own[0].name ?? '';
      if (!action.on) {
        await disableSms(db, action.volunteerId);
        return turn.say('admin.smsRemoved', { name });
      }
      const result = await smsOn(turn, action.volunteerId, true);
      if (result?.ok) await turn.say('admin.smsSet', { name, phone: displayMsisdn(result.msisdn) });
    },

    'staff.smsDetails.show': async (turn) => {
      await turn.send(smsDetailsCard(turn.card, { on: await sendsSmsDetails(db, turn.member!.centreIds[0]!) }));
    },

    'staff.smsDetails.set': async (turn, action) => {
      const centreId = turn.member!.centreIds[0]!;
      await setSmsDetails(db, { centreId, on: action.on, by: turn.member!.id, at: turn.now });
      await turn.replace(smsDetailsCard(turn.card, { on: await sendsSmsDetails(db, centreId) }));
    },
  };
}
