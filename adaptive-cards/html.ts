// Escaping for the few HTML pages we write ourselves (the web chat page, the tab, the invitation sheet).
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
