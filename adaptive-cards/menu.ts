// The menu card, one per role. Buttons stack one per row (own ActionSet each) for large touch
// targets; nothing that is not built yet gets a button.
import { actionButton, type ActionData, type ActionOptions } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, showCard, text } from './card.ts';
import { t } from './texts.ts';

export type MenuUser =
  /** Not registered yet. */
  | { role: null }
  | { role: 'volunteer'; name?: string | null; paused: boolean; declarationSigned: boolean }
  | { role: 'staff' | 'coordinator' | 'admin'; name?: string | null }
  /** `push`: the web chat can send them notifications (a «Varsler» button); `sms`: this server sends SMS («SMS og varsler»). */
  | { role: 'caregiver'; name?: string | null; push?: boolean; sms?: boolean }
  /** A person helped who asks for themselves (issue 19). */
  | { role: 'person'; name?: string | null; push?: boolean; sms?: boolean };

/** Pause lengths offered from the menu, in days (volunteer.pause accepts 1–365). */
export const PAUSE_CHOICES = [
  { days: 7, key: 'pause.week' },
  { days: 14, key: 'pause.twoWeeks' },
  { days: 30, key: 'pause.month' },
  { days: 90, key: 'pause.threeMonths' },
] as const;

export function menuCard(ctx: CardContext, user: MenuUser): AdaptiveCard {
  const { locale, channel } = ctx;
  const button = (title: string, data: ActionData, opts?: ActionOptions) => actionSet([actionButton(channel, title, data, opts)]);
  const aboutButton = actionSet([
    showCard(t(locale, 'menu.about'), [text(t(locale, 'about.text')), text(t(locale, 'about.privacy'), { isSubtle: true })]),
  ]);
  const greet = (name: string | null | undefined, key: 'greeting.volunteer' | 'greeting.staff' | 'greeting.caregiver' | 'greeting.person') =>
    name ? t(locale, key, { name }) : t(locale, 'greeting.hello');

  /** What every asker's menu ends with: notifications (where the web chat can send them), their own data, what Dugnad is. */
  const askerTail = (push: boolean | undefined, sms: boolean | undefined) => [
    ...(push ? [button(t(locale, 'pushSettings.menu'), { action: 'push.status' })] : []),
    ...(sms ? [button(t(locale, 'channelChoice.askerMenu'), { action: 'asker.channels' })] : []),
    button(t(locale, 'ownData.menu'), { action: 'privacy.mine' }),
    button(t(locale, 'menu.language'), { action: 'language.show' }),
    aboutButton,
  ];

  const body: CardElement[] = [];
  switch (user.role) {
    case null:
      body.push(
        heading(t(locale, 'greeting.unknown'), { size: 'medium' }),
        button(t(locale, 'menu.becomeVolunteer'), { action: 'volunteer.signup.start' }, { style: 'positive' }),
        button(t(locale, 'caregiver.becomeCaregiver'), { action: 'caregiver.signup.start' }),
        button(t(locale, 'self.becomePerson'), { action: 'self.signup.start' }),
        aboutButton,
      );
      break;

    case 'volunteer':
      body.push(heading(greet(user.name, 'greeting.volunteer'), { size: 'medium' }), text(t(locale, 'menu.intro.volunteer')));
      if (!user.declarationSigned) {
        body.push(
          text(t(locale, 'menu.declarationMissing'), { color: 'attention', weight: 'bolder' }),
          button(t(locale, 'menu.signDeclaration'), { action: 'declaration.show' }, { style: 'positive' }),
        );
      }
      body.push(
        button(t(locale, 'menu.myTasks'), { action: 'tasks.mine' }),
        button(t(locale, 'menu.contribution'), { action: 'volunteer.contribution' }),
        button(t(locale, 'menu.myStatus'), { action: 'volunteer.status' }),
        user.paused
          ? button(t(locale, 'menu.resumeOffers'), { action: 'volunteer.resume' })
          : actionSet([
              showCard(
                t(locale, 'menu.pauseOffers'),
                [
                  text(t(locale, 'pause.question'), { weight: 'bolder' }),
                  ...PAUSE_CHOICES.map((p) => actionSet([actionButton(channel, t(locale, p.key), { action: 'volunteer.pause', days: p.days })])),
                ],
              ),
            ]),
        button(t(locale, 'menu.editProfile'), { action: 'volunteer.signup.start' }),
        button(t(locale, 'ownData.menu'), { action: 'privacy.mine' }),
        button(t(locale, 'menu.calendar'), { action: 'calendar.show' }),
        button(t(locale, 'menu.language'), { action: 'language.show' }),
        button(t(locale, 'menu.leave'), { action: 'volunteer.leave' }),
      );
      break;

    case 'staff':
    case 'coordinator':
    case 'admin':
      body.push(
        heading(greet(user.name, 'greeting.staff'), { size: 'medium' }),
        text(t(locale, 'menu.intro.staff')),
        button(t(locale, 'menu.newRequest'), { action: 'staff.request.new' }, { style: 'positive' }),
        button(t(locale, 'menu.registerPerson'), { action: 'staff.person.new' }),
        button(t(locale, 'menu.myRequests'), { action: 'staff.requests.list' }),
        button(t(locale, 'menu.volunteers'), { action: 'staff.volunteers.list' }),
        ...(user.role === 'admin' ? [] : [button(t(locale, 'menu.privacy'), { action: 'staff.privacy.persons' })]),
        ...(user.role === 'staff' ? [] : [button(t(locale, 'menu.interestGroups'), { action: 'staff.groups.list' })]),
        ...(user.role === 'coordinator' ? [button(t(locale, 'menu.linkSettings'), { action: 'staff.link.settings' })] : []),
        ...(user.role === 'coordinator' ? [button(t(locale, 'menu.policeSettings'), { action: 'staff.police.settings' })] : []),
        ...(user.role === 'admin' ? [] : [button(t(locale, 'menu.calendar'), { action: 'calendar.show' })]),
        button(t(locale, 'menu.language'), { action: 'language.show' }),
      );
      break;

    case 'caregiver':
      body.push(
        heading(greet(user.name, 'greeting.caregiver'), { size: 'medium' }),
        text(t(locale, 'caregiver.intro')),
        button(t(locale, 'caregiver.askRespite'), { action: 'caregiver.request.new' }, { style: 'positive' }),
        button(t(locale, 'caregiver.myRequests'), { action: 'caregiver.requests.list' }),
        button(t(locale, 'caregiver.registerPerson'), { action: 'caregiver.person.new' }),
        button(t(locale, 'caregiver.formalRespiteButton'), { action: 'caregiver.formalRespite' }),
        ...askerTail(user.push, user.sms),
      );
      break;

    case 'person':
      body.push(
        heading(greet(user.name, 'greeting.person'), { size: 'medium' }),
        text(t(locale, 'self.intro')),
        button(t(locale, 'self.ask'), { action: 'self.request.new' }, { style: 'positive' }),
        button(t(locale, 'caregiver.myRequests'), { action: 'caregiver.requests.list' }),
        ...askerTail(user.push, user.sms),
      );
      break;
  }
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'menu.title') });
}
