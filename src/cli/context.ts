/** What every CLI command needs: the client (URL and token resolved) and the output mode. */
import type { Command } from 'commander';
import { readSavedAdminToken } from '../api/auth/tokens.ts';
import { SlipwayClient } from '../sdk/client.ts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/** Token order: --token, SLIPWAY_TOKEN, then the admin token saved under SLIPWAY_HOME at first start. */
export function clientFor(command: Command): SlipwayClient {
  const options = globalsOf(command);
  const token =
    options.token ?? process.env.SLIPWAY_TOKEN ?? readSavedAdminToken(process.env.SLIPWAY_HOME ?? '.slipway');
  return new SlipwayClient({ url: options.url, token });
}
