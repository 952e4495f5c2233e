// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { startBotApi as start } from '../../scripts/fake-telegram.mjs';

/** One Bot API call the fake received (the bot token in the path is not kept). */
export interface BotApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/** A fake Telegram Bot API on 127.0.0.1 (see scripts/fake-telegram.mjs). */
export const startBotApi = start as (botToken: string) => Promise<{
  apiRoot: string;
  calls: BotApiCall[];
  sent(): BotApiCall[];
  /** Resolves once every sendMessage received so far has been answered. */
  answered(): Promise<void>;
  state: { sendDelayMs: number };
  close(): Promise<void>;
}>;
