// What the tab's page may load and who may frame it (the Content-Security-Policy header of GET /tab).

/**
 * Teams, Outlook and the Microsoft 365 app frame the tab (Microsoft's list for tab hosts); nobody
 * else may, so the page cannot be clickjacked.
 */
export const TAB_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

export function tabContentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // teams-js fetches Microsoft's current list of host origins and falls back to the list it ships with.
    "connect-src 'self' https://res.cdn.office.net",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
  ].join('; ');
}
