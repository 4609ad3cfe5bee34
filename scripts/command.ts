import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/lib/config/config.ts';

/** A command's arguments are wrong: said with the command's usage, exit code 2. */
export class UsageError extends Error {}

export const USAGE_EXIT_CODE = 2;

/**
 * How every command starts: its arguments (readArguments throws UsageError; parseArgs's own
 * ERR_PARSE_ARGS_* errors count as usage errors too) and the configuration. Null, once what
 * is wrong has been said, when either is bad.
 */
export function startCommand<Options>(usage: string, readArguments: () => Options): { options: Options; databasePath: string } | null {
  try {
    return { options: readArguments(), databasePath: loadConfig().databasePath };
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof UsageError || String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n${usage}`);
    } else throw error;
    return null;
  }
}

/**
 * A path as the user typed it, resolved from where they typed the command: npm runs scripts
 * from the project's folder, and says where it was invoked in INIT_CWD.
 */
export function fromInvocationFolder(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
