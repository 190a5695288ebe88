// Web Chat's own Adaptive Cards library (3.x, bundled with botframework-webchat): a card it refuses
// is a card Web Chat would not show, so the card tests parse every card with it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface AcAction {
  getJsonTypeName(): string;
  title?: string;
  card?: AcCard;
  getReferencedInputs(): Record<string, unknown> | undefined;
}
export interface AcCard {
  parse(json: unknown): void;
  validateProperties(): { validationEvents: { message: string }[] };
  getAllActions(): AcAction[];
}
export interface AcLib {
  AdaptiveCard: new () => AcCard;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const acDir = [`${root}node_modules/botframework-webchat/node_modules/adaptivecards`, `${root}node_modules/adaptivecards`].find((dir) => {
  try {
    return existsSync(`${dir}/dist/adaptivecards.js`) && /^3\./.test(JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version);
  } catch {
    return false;
  }
});

/** The library, or null where Web Chat's copy isn't installed (the tests that need it then don't run). */
export const AC: AcLib | null = acDir ? (createRequire(import.meta.url)(`${acDir}/dist/adaptivecards.js`) as AcLib) : null;

/** Every action in a parsed card, including those inside ShowCards. */
export function acActions(card: AcCard): AcAction[] {
  return card.getAllActions().flatMap((a) => [a, ...(a.card ? acActions(a.card) : [])]);
}
