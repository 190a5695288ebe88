/**
 * A tiny botbuilder echo bot for testing the local Direct Line endpoint and Web Chat page end to
 * end: greets on conversationUpdate, echoes text, sends a card on "kort" and updates that card in
 * place when its button is pressed.
 */
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import type { Request, Response, Server } from 'restify';

export const GREETING = 'Hei! Velkommen til Dugnad.';
export const CARD_TEXT = 'Vil du oppdatere kortet?';
export const CARD_BUTTON = 'Oppdater';
export const UPDATED_TEXT = 'Oppdatert';
export const echoOf = (text: string): string => `Du skrev: ${text}`;

function card(text: string, withButton: boolean) {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text, wrap: true, size: 'Medium' }],
    ...(withButton ? { actions: [{ type: 'Action.Submit', title: CARD_BUTTON, data: { action: 'oppdater' } }] } : {}),
  });
}

class FakeBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity(GREETING);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { value, text, replyToId } = context.activity;
    if (isSubmit(value)) {
      if (replyToId) {
        await context.updateActivity({ id: replyToId, type: 'message', attachments: [card(UPDATED_TEXT, false)] });
      } else {
        await context.sendActivity('Fant ikke kortet som skulle oppdateres.');
      }
      return;
    }
    if (text?.trim().toLowerCase() === 'kort') {
      await context.sendActivity({ attachments: [card(CARD_TEXT, true)] });
      return;
    }
    if (text) await context.sendActivity(echoOf(text));
  }
}

function isSubmit(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { action?: unknown }).action === 'oppdater';
}

/** Registers POST /api/messages on the server, running the fake bot anonymously (development only). */
export function registerFakeBot(server: Server): void {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    // Surface bot failures in the test output instead of a silent missing reply.
    console.error('fake bot turn error', error);
    await context.sendActivity('Beklager, noe gikk galt.');
  };
  const bot = new FakeBot();
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
}

/** A deliverToBot for registerDirectLine that posts the activity to this server's /api/messages. */
export function postToBot(baseUrl: () => string) {
  return async (activity: Record<string, unknown>): Promise<void> => {
    const response = await fetch(`${baseUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    if (!response.ok) throw new Error(`bot answered ${response.status}`);
  };
}
