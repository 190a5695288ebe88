// The offer a volunteer gets before accepting: kind of help, area, time, duration, flags and the
// public summary — never name, address, phone or notes (rule 3, redacted offer). The input type
// forbids every private field, and the builder reads only named public fields, so private data
// cannot reach this card even when someone hands in a richer object.
import type { OfferStatus, PrivateRequestDetails, PublicRequestView } from '../domain/types.ts';
import { actionButton, userSpecificView } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement, TextBlock } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, text } from './card.ts';
import { FLAG_SEPARATOR, publicFacts, requestFlags } from './request-view.ts';
import { t, type MessageKey } from './texts.ts';

/** Fields that must never be handed to an offer: private details, the person, and the location. */
type PrivateField = keyof PrivateRequestDetails | 'personId' | 'person' | 'details' | 'location' | 'createdBy' | 'notes';

/** A PublicRequestView and nothing private: passing a HelpRequest or details is a type error. */
export type OfferRequestView = PublicRequestView & { readonly [K in PrivateField]?: never };

export interface OfferCardInput {
  offerId: string;
  request: OfferRequestView;
  /** The interest group's label in the card's language. */
  groupLabel: string;
  /** 'pending' shows the buttons; every other state is the closed card that replaces it. */
  status: OfferStatus;
  /**
   * Teams only: the Teams user ids (MRIs, «29:…») whose clients fetch the task details in place of
   * this card (the assignee). The card itself stays public: the details come only from the bot's
   * answer to that refresh, after it has checked who asks.
   */
  detailsFor?: readonly string[];
  /** The card of someone who just tried to take it and was too late: told so, kindly. */
  tooLate?: boolean;
}

const CLOSED: Record<Exclude<OfferStatus, 'pending'>, { key: MessageKey; color: TextBlock['color'] }> = {
  taken: { key: 'offer.taken', color: 'default' },
  withdrawn: { key: 'offer.withdrawn', color: 'attention' },
  declined: { key: 'offer.declined', color: 'default' },
  accepted: { key: 'offer.acceptedState', color: 'good' },
};

export function offerCard(ctx: CardContext, input: OfferCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  // Copy the public fields one by one: whatever else the caller's object holds stays behind.
  const r = input.request;
  const view: PublicRequestView = {
    id: r.id,
    centreId: r.centreId,
    group: r.group,
    district: r.district,
    startsAt: r.startsAt,
    durationMinutes: r.durationMinutes,
    flexibleUntil: r.flexibleUntil,
    summary: r.summary,
    requirements: {
      language: r.requirements.language,
      policeCertificate: r.requirements.policeCertificate,
      firstTimeFriendly: r.requirements.firstTimeFriendly,
      staffAlong: r.requirements.staffAlong,
    },
    urgent: r.urgent,
  };

  const body: CardElement[] = [];
  if (input.status === 'pending') {
    body.push(heading(t(locale, 'offer.title')));
  } else {
    // The closed card leads with what happened, in words (colour only repeats it).
    const closed = CLOSED[input.status];
    const key = input.status === 'taken' && input.tooLate ? 'offer.takenByOther' : closed.key;
    body.push(
      container([heading(t(locale, key), { size: 'medium', color: closed.color })], {
        style: input.status === 'accepted' ? 'good' : 'emphasis',
      }),
    );
  }
  const flags = requestFlags(locale, view);
  if (flags.length > 0) body.push(text(flags.join(FLAG_SEPARATOR), { weight: 'bolder', color: view.urgent ? 'attention' : 'default' }));
  body.push(facts(publicFacts(locale, view, input.groupLabel)), text(view.summary, { spacing: 'medium' }));

  if (input.status === 'pending') {
    body.push(
      text(t(locale, 'offer.privacyNote'), { isSubtle: true, size: 'small' }),
      actionSet([actionButton(channel, t(locale, 'offer.accept'), { action: 'offer.accept', offerId: input.offerId }, { style: 'positive' })], {
        spacing: 'medium',
      }),
      actionSet([actionButton(channel, t(locale, 'offer.decline'), { action: 'offer.decline', offerId: input.offerId })]),
    );
  }
  const details = input.status === 'pending' ? null : userSpecificView(channel, t(locale, 'offer.showDetails'), { action: 'offer.details', offerId: input.offerId }, input.detailsFor);
  if (details) body.push(actionSet([details.button], { spacing: 'medium' }));
  const card = adaptiveCard(ctx, body, {
    fallbackText: input.status === 'pending' ? t(locale, 'offer.title') : t(locale, CLOSED[input.status].key),
  });
  return details ? details.apply(card) : card;
}
