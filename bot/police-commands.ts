// The coordinator's politiattest settings: validity at the centre and the groups that require one.
import { policeSettingsCard } from '../adaptive-cards/police-settings.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { interestGroups, policeCertificateSettings, savePoliceCertificateSettings } from '../infra/centres.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';
import { groupName } from '../domain/interest-groups.ts';

export function policeCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';
  const card = async (turn: Turn) => {
    const centreId = centreOf(turn);
    const settings = await policeCertificateSettings(db, centreId);
    const groups = await interestGroups(db, [centreId]);
    return policeSettingsCard(turn.card, {
      validityMonths: settings?.validityMonths ?? 36,
      groups: groups.map((g) => ({ key: g.key, label: groupName(g, turn.locale), required: g.requiresPoliceCertificate === true })),
    });
  };
  return {
    'staff.police.settings': async (turn) => {
      await turn.send(await card(turn));
    },
    'staff.police.save': async (turn, action) => {
      const centreId = centreOf(turn);
      const known = new Set((await interestGroups(db, [centreId])).map((g) => g.key));
      if (action.requiredGroups.some((g) => !known.has(g))) return turn.say('error.invalidAction');
      await savePoliceCertificateSettings(db, centreId, { validityMonths: action.validityYears * 12, requiredGroups: action.requiredGroups }, turn.now);
      await turn.replace(noticeCard(turn.card, { title: turn.t('police.settingsTitle'), text: turn.t('police.saved', { years: action.validityYears }), tone: 'success', menuButton: true }));
    },
  };
}
