// Offers and tasks from the volunteer's side: take it, no thanks, my tasks, can't come after all.
import { offerCard } from '../adaptive-cards/offer.ts';
import { taskDetailsCard } from '../adaptive-cards/task-details.ts';
import { myTasksCard } from '../adaptive-cards/my-tasks.ts';
import { cancelAssignmentCard } from '../adaptive-cards/cancel-assignment.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { followUpDoneCard } from '../adaptive-cards/follow-up.ts';
import { confirmAssignment, recordOutcome, reportConcern } from '../infra/assignments.ts';
import { contributionOf, setMilestoneMessages } from '../infra/contribution.ts';
import { contributionCard } from '../adaptive-cards/contribution.ts';
import { milestoneReached } from '../domain/milestones.ts';
import { publicView } from '../domain/confidentiality.ts';
import { acceptOffer, declineOffer, myTasks, offerForSend, revealAssignedTask } from '../infra/offers.ts';
import { cancelAssignment } from '../use-cases/cancel-assignment.ts';
import { getRequest, matchingSettings } from '../infra/requests.ts';
import type { HelpRequest, OfferStatus } from '../domain/types.ts';
import { groupLabel } from '../jobs/card-activity.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';

export function offerCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const matching = () => matchingSettings(deps.config);

  /** Someone else's task is "not found", not "already recorded": the answer must not suggest it is theirs. */
  const outcomeRefused = async (turn: Turn, assignmentId: string, result: 'too_early' | 'closed') => {
    // Before the task is over there is nothing to report yet; the card stays so it can be answered afterwards.
    if (result === 'too_early') return turn.say('followUp.tooEarly');
    const mine = await db.query('SELECT 1 FROM assignments WHERE id = $1 AND volunteer_id = $2', [assignmentId, turn.member!.id]);
    return turn.say(mine.length > 0 ? 'followUp.alreadyAnswered' : 'cancel.notFound');
  };

  /** The pressed offer card, closed in the given state (a stale button changes nothing else). `known`: its request, when already read. */
  const closeOfferCard = async (turn: Turn, offerId: string, status: Exclude<OfferStatus, 'pending'>, known?: HelpRequest, tooLate = false) => {
    const request = known ?? (await offerForSend(db, offerId))?.request;
    if (!request) return turn.say('error.invalidAction');
    await turn.replace(offerCard(turn.card, { offerId, request: publicView(request), groupLabel: await groupLabel(db, request, turn.locale), status, tooLate }));
  };

  return {
    'offer.accept': async (turn, action) => {
      const result = await acceptOffer(db, { offerId: action.offerId, volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now, pressedCard: turn.cardRedrawnInPlace });
      // Only the winning accept writes to the outbox (request.taken). The winner pressing again still
      // looks: their first press may have committed and died before queuing it (faults.test.ts).
      turn.outboxHandled = result.outcome !== 'won' && result.outcome !== 'already_yours';
      switch (result.outcome) {
        case 'won':
        case 'already_yours':
          return turn.replace(
            taskDetailsCard(turn.card, {
              assignmentId: result.assignmentId,
              request: publicView(result.request),
              details: result.details,
              groupLabel: await groupLabel(db, result.request, turn.locale),
              justAccepted: result.outcome === 'won',
            }),
          );
        case 'taken':
          return closeOfferCard(turn, action.offerId, 'taken', result.request, true);
        case 'cancelled':
        case 'closed':
          return closeOfferCard(turn, action.offerId, 'withdrawn', result.request);
        case 'not_eligible':
          await turn.say('offer.notEligible');
          return;
        case 'not_found':
          await turn.say('error.invalidAction');
          return;
      }
    },

    // Teams asks this when the assignee's client shows the taken offer (refresh.userIds) or they press
    // «Vis oppdraget». The card in the chat holds nothing private; only this answer does, and only
    // for the assignee — anyone else, or after a cancellation or erasure, gets the public card.
    'offer.details': async (turn, action) => {
      const offer = await offerForSend(db, action.offerId);
      const own = offer !== null && offer.volunteerId === turn.member!.id;
      const task = own ? await revealAssignedTask(db, { offerId: action.offerId, volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now }) : null;
      if (task) {
        return turn.replace(
          taskDetailsCard(turn.card, { assignmentId: task.assignmentId, request: publicView(task.request), details: task.details, groupLabel: await groupLabel(db, task.request, turn.locale) }),
        );
      }
      // Only a Teams refresh expects a card back; a typed or forged submit is simply refused.
      if (!offer || turn.context.activity.type !== 'invoke') return turn.say('error.invalidAction');
      const status: Exclude<OfferStatus, 'pending'> = offer.request.status === 'cancelled' ? 'withdrawn' : 'taken';
      await turn.replace(offerCard(turn.card, { offerId: offer.offerId, request: publicView(offer.request), groupLabel: await groupLabel(db, offer.request, turn.locale), status }));
    },

    'offer.decline': async (turn, action) => {
      const declined = await declineOffer(db, { offerId: action.offerId, volunteerId: turn.member!.id, now: turn.now });
      const offer = await offerForSend(db, action.offerId);
      if (!offer || offer.volunteerId !== turn.member!.id) return turn.say('error.invalidAction');
      await closeOfferCard(turn, action.offerId, declined ? 'declined' : offer.status === 'pending' ? 'declined' : (offer.status as Exclude<OfferStatus, 'pending'>));
    },

    'tasks.mine': async (turn) => {
      const tasks = await myTasks(db, { volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now });
      const items = await Promise.all(
        tasks.map(async (task) => ({ assignmentId: task.assignmentId, request: publicView(task.request), details: task.details, groupLabel: await groupLabel(db, task.request, turn.locale) })),
      );
      await turn.send(myTasksCard(turn.card, { tasks: items }));
    },

    'assignment.cancel.start': async (turn, action) => {
      const rows = await db.query<{ request_id: string }>(`SELECT request_id FROM assignments WHERE id = $1 AND volunteer_id = $2 AND status = 'active'`, [action.assignmentId, turn.member!.id]);
      const request = rows[0] ? await getRequest(db, rows[0].request_id) : null;
      if (!request) return turn.say('cancel.notFound');
      await turn.send(cancelAssignmentCard(turn.card, { assignmentId: action.assignmentId, groupLabel: await groupLabel(db, request, turn.locale), startsAt: request.startsAt }));
    },

    'assignment.confirm': async (turn, action) => {
      if (!(await confirmAssignment(db, { assignmentId: action.assignmentId, volunteerId: turn.member!.id, at: turn.now }))) return turn.say('cancel.notFound');
      await turn.say('reminder.confirmed');
    },

    'assignment.done': async (turn, action) => {
      const result = await recordOutcome(db, { assignmentId: action.assignmentId, volunteerId: turn.member!.id, outcome: 'done', hours: action.hours, reason: null, at: turn.now });
      if (result !== 'recorded') return outcomeRefused(turn, action.assignmentId, result);
      await turn.replace(followUpDoneCard(turn.card, { outcome: 'done', hours: action.hours }));
      const c = await contributionOf(db, turn.member!.id, turn.now);
      const milestone = deps.config.MILESTONE_MESSAGES && c.milestoneMessages ? milestoneReached(c.tasksInAll) : null;
      if (milestone === 1) await turn.say('milestone.first');
      else if (milestone) await turn.say('milestone.many', { count: milestone });
    },

    'volunteer.contribution': async (turn) => {
      await turn.send(contributionCard(turn.card, await contributionOf(db, turn.member!.id, turn.now)));
    },

    'volunteer.milestones': async (turn, action) => {
      await setMilestoneMessages(db, turn.member!.id, action.on);
      await turn.replace(contributionCard(turn.card, await contributionOf(db, turn.member!.id, turn.now)));
    },

    'assignment.notDone': async (turn, action) => {
      const result = await recordOutcome(db, { assignmentId: action.assignmentId, volunteerId: turn.member!.id, outcome: 'not_done', hours: null, reason: action.reason, at: turn.now });
      if (result !== 'recorded') return outcomeRefused(turn, action.assignmentId, result);
      await turn.replace(followUpDoneCard(turn.card, { outcome: 'not_done' }));
    },

    'concern.report': async (turn, action) => {
      if (!(await reportConcern(db, { assignmentId: action.assignmentId, volunteerId: turn.member!.id, text: action.concern, at: turn.now }))) return turn.say('error.invalidAction');
      await turn.replace(followUpDoneCard(turn.card, { outcome: 'concern' }));
    },

    'assignment.cancel.submit': async (turn, action) => {
      const result = await cancelAssignment(db, { assignmentId: action.assignmentId, volunteerId: turn.member!.id, reason: action.reason, now: turn.now, matching: matching() });
      if (!result.ok) return turn.say('cancel.notFound');
      await turn.replace(noticeCard(turn.card, { title: turn.t('cancel.doneTitle'), text: turn.t('cancel.done'), tone: 'success', menuButton: true }));
    },
  };
}
