// «Språk» in the menu: a person's own language (it then wins over what their chat client says),
// and for staff their centre's written standard for everyone who has not chosen.
import { languageCard } from '../adaptive-cards/language.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { centreLocale, saveCentreLocale } from '../infra/centres.ts';
import { chooseLocale } from '../infra/identities.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import { showMenu } from './menu-commands.ts';
import { Turn } from './turn.ts';

const isStaff = (turn: Turn) => turn.member?.role === 'staff' || turn.member?.role === 'coordinator';

export function languageCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';
  return {
    'language.show': async (turn) => {
      const centre = isStaff(turn) && centreOf(turn) ? { locale: await centreLocale(db, centreOf(turn)) } : undefined;
      await turn.send(languageCard(turn.card, { current: turn.locale, ...(centre ? { centre } : {}) }));
    },
    'language.choose': async (turn, action) => {
      await chooseLocale(db, turn.member!.id, action.locale);
      // The answer, and the menu after it, already in the language just chosen.
      const chosen = new Turn(turn.context, turn.account, { ...turn.member!, locale: action.locale, localeChosen: true }, { ...turn.card, locale: action.locale }, turn.now);
      await turn.replace(noticeCard(chosen.card, { title: chosen.t('language.title'), text: chosen.t('language.saved', { language: chosen.t(`locale.${action.locale}`) }), tone: 'success' }));
      await showMenu(deps, chosen);
    },
    'staff.language.save': async (turn, action) => {
      if (!centreOf(turn)) return turn.say('error.notAllowed');
      await saveCentreLocale(db, centreOf(turn), action.locale);
      await turn.replace(noticeCard(turn.card, { title: turn.t('language.centreTitle'), text: turn.t('language.centreSaved', { language: turn.t(`locale.${action.locale}`) }), tone: 'success', menuButton: true }));
    },
  };
}
