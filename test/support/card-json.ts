// Walking Adaptive Card JSON in tests: find actions, buttons and inputs wherever they sit.
export type Json = Record<string, unknown>;

export function walk(node: unknown, visit: (o: Json) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Json);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

export function collect(card: unknown, pred: (o: Json) => boolean): Json[] {
  const out: Json[] = [];
  walk(card, (o) => {
    if (pred(o)) out.push(o);
  });
  return out;
}

export const actionsOf = (card: unknown) => collect(card, (o) => typeof o.type === 'string' && o.type.startsWith('Action.'));
export const buttonsOf = (card: unknown) => collect(card, (o) => o.type === 'Action.Execute' || o.type === 'Action.Submit');
export const inputsOf = (card: unknown) => collect(card, (o) => typeof o.type === 'string' && o.type.startsWith('Input.'));
export const verbOf = (button: Json) => String((button.data as Json).action);
