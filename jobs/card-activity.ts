// A card as the activity that carries it, and the group label every card names: shared by the workers'
// stages and the bot's commands, apart from the renderers of notices (messages.ts) and series (series.ts).
import type { AdaptiveCard } from '../adaptive-cards/card.ts';
import type { Queryable } from '../infra/db.ts';
import type { OutgoingActivity } from '../infra/connector.ts';
import { groupLabelOf } from '../infra/centres.ts';
import type { HelpRequest, Locale } from '../domain/types.ts';

export function asActivity(card: AdaptiveCard, summary: string): OutgoingActivity {
  return { type: 'message', summary, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

/** The name of a request's group in `locale`, as every card names it (the bot's commands and the workers alike). */
export async function groupLabel(db: Queryable, request: HelpRequest, locale: Locale): Promise<string> {
  return groupLabelOf(db, request.centreId, request.group, locale);
}
