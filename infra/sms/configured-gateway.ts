// Which gateway runs, from configuration. Apart from gateway.ts so the interface does not import the
// gateways that implement it.
import type { SmsConfig } from '../config.ts';
import type { SmsGateway } from './gateway.ts';
import { sveveGateway } from './sveve.ts';

/** The configured gateway; the development fake speaks Sveve's API, so it is driven by the same client. */
export function createSmsGateway(config: SmsConfig): SmsGateway {
  return sveveGateway({ baseUrl: config.baseUrl, user: config.user, password: config.password, sender: config.sender });
}
