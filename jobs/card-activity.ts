// A card as the activity that carries it, and the group label cards name: what every stage that renders
// a card needs, apart from the renderers of notices (messages.ts) and series (series.ts).
import type { AdaptiveCard, CardContext } from '../adaptive-cards/card.ts';
import type { Database } from '../infra/db.ts';
import type { OutgoingActivity } from '../infra/connector.ts';
import { groupLabelOf } from '../infra/centres.ts';
import type { HelpRequest } from '../domain/types.ts';

export function asActivity(card: AdaptiveCard, summary: string): OutgoingActivity {
  return { type: 'message', summary, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

export async function groupLabel(db: Database, request: HelpRequest, ctx: CardContext): Promise<string> {
  return groupLabelOf(db, request.centreId, request.group, ctx.locale);
}
