import type { Credential } from '../monitor/types.js';

/**
 * The one interface every notification channel implements (desktop, termux, webhook, ntfy,
 * command). Channels are added by the alerting work; this file fixes the contract they share.
 * A channel sends once and never retries by itself: retry and backoff live in one shared stage.
 */
export interface Notifier {
  /** Unique per configured channel (config `name`, default: the type). */
  readonly name: string;
  send(alert: Alert, signal: AbortSignal): Promise<DeliveryResult>;
}

export type AlertEvent = 'firing' | 'reminder' | 'resolved';

export interface Alert {
  /** Stable per credential and event, so receivers can deduplicate retries. */
  id: string;
  event: AlertEvent;
  credential: Pick<Credential, 'id' | 'agent' | 'provider' | 'profileId' | 'type' | 'status' | 'expiresAt' | 'remainingMs' | 'remedyText'>;
  host: string;
  checkedAt: number;
}

/** Delivered, or failed; `retryable` says whether trying again later could help (5xx, timeouts). */
export type DeliveryResult = { ok: true } | { ok: false; retryable: boolean; message: string };
