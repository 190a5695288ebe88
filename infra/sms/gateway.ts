// The small interface an SMS gateway fills: send one message (with a delivery report later), and read
// the gateway's callbacks — a reply from a phone, or a delivery report. Which gateway runs is
// configuration (infra/config.ts SMS_PROVIDER, configured-gateway.ts); Sveve is the one implemented
// (sveve.ts).

export interface OutgoingSms {
  /** E.164, «+4791234567». */
  to: string;
  text: string;
  /** Ours, mirrored in the delivery report (the sms_messages id). */
  ref: string;
  /** The gateway's id of an earlier message to this number, to keep one thread on the phone. */
  replyTo?: string | null;
}

export interface SmsSent {
  providerId: string;
  /** What it costs: the gateway's count of SMS parts. */
  parts: number;
}

/** A send the gateway refused. `final`: this number cannot get it (retrying won't help; try another channel). */
export class SmsSendError extends Error {
  constructor(
    readonly final: boolean,
    readonly retryAfterMs: number | null,
    reason: string,
  ) {
    super(reason);
  }
}

export type SmsCallback =
  | { kind: 'inbound'; from: string; text: string; replyTo: string | null }
  | { kind: 'report'; providerId: string; ref: string | null; delivered: boolean; error: string | null };

export interface SmsGateway {
  readonly name: string;
  send(sms: OutgoingSms): Promise<SmsSent>;
  /** A callback's parameters (query and body together) as what happened; null when it is neither kind. */
  parseCallback(params: Readonly<Record<string, unknown>>): SmsCallback | null;
}

/** The path a gateway calls us on: the secret in it is the gateway's authentication (Sveve signs nothing). */
export function smsWebhookPath(provider: string, secret: string): string {
  return `/sms/${provider === 'fake' ? 'sveve' : provider}/${secret}`;
}
