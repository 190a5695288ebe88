// Privacy in chat. For staff of the person's centre: the list of people, innsyn (a readable card plus
// the complete JSON as a file) and erasure with a confirm step (infra/privacy.ts). For everyone who
// chats with Dugnad: their own data, the same way (infra/own-data.ts).
import { CardFactory, type Attachment } from 'botbuilder';
import { eraseConfirmCard, ownDataCard, personExportCard, privacyPersonsCard, PRIVACY_LIST_LIMIT, type OwnDataCardInput } from '../adaptive-cards/privacy.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { exportPerson, privacyPerson, privacyPersons } from '../infra/privacy.ts';
import { erasePerson } from '../use-cases/erase-person.ts';
import { exportOwnData } from '../infra/own-data.ts';
import { OWN_DATA_LINK_MINUTES } from './own-data-download.ts';
import { groupOptions } from './volunteer-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';

export function privacyCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  // Every query below is scoped to this centre: a person of another centre is "not found".
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';

  return {
    'staff.privacy.persons': async (turn) => {
      await turn.send(privacyPersonsCard(turn.card, await privacyPersons(db, centreOf(turn), PRIVACY_LIST_LIMIT)));
    },

    'staff.person.export': async (turn, action) => {
      const data = await exportPerson(db, { personId: action.personId, centreId: centreOf(turn), staffId: turn.member!.id, channelId: turn.account.channelId, at: turn.now });
      if (!data) return turn.say('error.invalidAction');
      const groups = await groupOptions(db, [data.centre.id], turn.locale);
      // Web Chat shows a data: URL with a name as a download link; Teams takes files from a bot only
      // through a consent card and OneDrive, so there the card says how to get the file instead.
      const fileName = turn.card.channel === 'teams' ? null : `innsyn-${data.person.id}.json`;
      const card = personExportCard(turn.card, { export: data, groupLabel: (key) => groups.find((g) => g.key === key)?.label ?? key, fileName });
      const attachments: Attachment[] = [CardFactory.adaptiveCard(card)];
      if (fileName) {
        const json = Buffer.from(JSON.stringify(data, null, 2), 'utf8').toString('base64');
        attachments.push({ contentType: 'application/json', name: fileName, contentUrl: `data:application/json;base64,${json}` });
      }
      await turn.context.sendActivity({ type: 'message', attachments });
    },

    'privacy.mine': async (turn) => {
      const data = await exportOwnData(db, { memberId: turn.member!.id, channelId: turn.account.channelId, at: turn.now });
      if (!data) return turn.say('error.invalidAction');
      const centreIds = data.you.centres.map((c) => c.id);
      const groups = centreIds.length ? await groupOptions(db, centreIds, turn.locale) : [];
      // Web Chat shows a data: URL with a name as a download link; Teams takes no file from a bot
      // inline, so there the card links to the file for a few minutes (bot/own-data-download.ts).
      const fileName = 'mine-data.json';
      const file: OwnDataCardInput['file'] =
        turn.card.channel !== 'teams' ? { kind: 'attached', name: fileName }
          : deps.ownDataLinks ? { kind: 'link', url: await deps.ownDataLinks.issue(turn.member!.id), minutes: OWN_DATA_LINK_MINUTES }
            : null;
      const card = ownDataCard(turn.card, { data, groupLabel: (key) => groups.find((g) => g.key === key)?.label ?? key, file });
      const attachments: Attachment[] = [CardFactory.adaptiveCard(card)];
      if (file?.kind === 'attached') {
        const json = Buffer.from(JSON.stringify(data, null, 2), 'utf8').toString('base64');
        attachments.push({ contentType: 'application/json', name: fileName, contentUrl: `data:application/json;base64,${json}` });
      }
      await turn.context.sendActivity({ type: 'message', attachments });
    },

    'staff.person.erase': async (turn, action) => {
      const person = await privacyPerson(db, action.personId, centreOf(turn));
      if (!person) return turn.say('error.invalidAction');
      await turn.send(eraseConfirmCard(turn.card, { personId: person.id, name: person.name, district: person.district }));
    },

    'staff.person.erase.confirm': async (turn, action) => {
      const result = await erasePerson(db, { personId: action.personId, centreId: centreOf(turn), staffId: turn.member!.id, channelId: turn.account.channelId, at: turn.now });
      if (!result.ok) return turn.say('error.invalidAction');
      await turn.replace(
        noticeCard(turn.card, {
          title: turn.t('privacy.erasedTitle'),
          text: result.alreadyErased ? turn.t('privacy.alreadyErased') : turn.t('privacy.erased', { count: result.cancelledRequests }),
          tone: 'success',
          menuButton: true,
        }),
      );
    },
  };
}
