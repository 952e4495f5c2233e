import type { RemedyStep } from '../monitor/remedy-lines.js';
import type { Route } from '../monitor/routing.js';
import type { CredentialType, Status } from '../monitor/types.js';

/**
 * The one interface every notification channel implements (desktop, termux, webhook, ntfy,
 * openclaw, alertmanager, command). A channel sends once and never retries by itself: retry and backoff live in
 * `retry.ts`, and undelivered alerts wait in the outbox for the next run.
 */
export interface Notifier {
  /** Unique per configured channel (config `name`, default: the type). */
  readonly name: string;
  readonly type: string;
  /** How long one attempt may take (the channel's `timeout`). */
  readonly timeoutMs: number;
  /** The program it runs (notify-send, termux-notification, a command), for `doctor` to find on the job's PATH. */
  readonly program?: string;
  /** What doctor tries of its surroundings, sending nothing (preflight.ts). */
  readonly needs?: ChannelNeeds;
  /** Config that works but is unsafe (a secret over plain http://); shown by check, watch, config check, doctor. */
  readonly warnings?: readonly string[];
  /** Which alerts it gets (its config's minStatus, events and match); absent: all. */
  readonly route?: Route;
  send(alert: Alert, signal: AbortSignal): Promise<DeliveryResult>;
  /**
   * For a channel that holds alert state and forgets what it is not told again (Alertmanager,
   * after `endsAt`): given every alert still firing, on every check, besides the events `send`
   * gets. Not retried or queued: the next check sends the set again.
   */
  refresh?(firing: readonly Alert[], signal: AbortSignal): Promise<DeliveryResult>;
}

/** The servers a channel connects to; or the local service its program needs. */
export type ChannelNeeds = { servers: Array<{ host: string; port: number }> } | { sessionBus: true } | { termuxApi: true };

export type AlertEvent = 'firing' | 'reminder' | 'resolved';

/** What every channel is given. Never carries token values or OpenClaw's masked labels. */
export interface Alert {
  /** Unique per event and stable across retries, so receivers can deduplicate (webhook-id). */
  id: string;
  /** Stable for one credential's alert episode, from firing to resolved. */
  streamId: string;
  event: AlertEvent;
  /** The credential's status when this event was decided (for `resolved`: the status it recovered to). */
  status: Status;
  /** The worst status of the episode; what a `resolved` resolves. */
  severity: Status;
  /**
   * The status this stream was last notified with, when this event leaves it (a `resolved`, or a
   * change such as warn → critical): channels that key alerts by status end the old one.
   */
  lastStatus?: Status;
  /** When the episode began (epoch ms): its first `firing`. */
  startedAt?: number;
  credential: {
    id: string;
    source: string;
    agent: string | null;
    provider: string | null;
    profileId: string | null;
    type: CredentialType | null;
    /** OpenClaw: the gateway's name, when the config names gateways. */
    gateway?: string;
    /** OpenClaw: the subscription usage window, for a usage record (`5h`, `Week`). */
    window?: string;
    /** OpenClaw: the other agents that read this same credential (one alert stands for all). */
    sharedWith?: string[];
  };
  expiresAt: number | null;
  remainingMs: number | null;
  /** A usage window's record: how full it is (percent). */
  usedPercent?: number;
  /** An OAuth login renewed on use: its `warn` means it lapsed long ago unrenewed, not that it expires soon. */
  renewsOnUse?: boolean;
  detail: string | null;
  remedy: string | null;
  /** The remedy's steps with their commands apart; absent on a resolution (and in alerts queued by older versions). */
  remedySteps?: RemedyStep[];
  host: string;
  checkedAt: number;
  /** True for `authwatch notify test`. */
  test?: boolean;
  /** false: a notice about a credential its holder does not use (alertOnUnused off); channels send it at low priority. */
  inUse?: boolean;
}

/** Delivered, or failed; `retryable` says whether trying again later could help (5xx, timeouts). */
export type DeliveryResult =
  | { ok: true }
  | {
      ok: false;
      retryable: boolean;
      message: string;
      retryAfterMs?: number;
      /** A program's own failure: when an attempt fails with the very same words, the next would too. */
      program?: true;
    };
