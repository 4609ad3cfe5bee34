import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type PortalConfig } from '../src/lib/ground/config/config.ts';
import type { DomainError } from '../src/lib/ground/errors.ts';
import type { BackOfficeWords, Unavailable } from '../src/lib/i18n/back-office.ts';
import { DEFAULT_LOCALE, type Locale } from '../src/lib/ground/language/locales.ts';

/** A command's arguments are wrong: said with the command's usage, exit code 2. */
export class UsageError extends Error {}

export const USAGE_EXIT_CODE = 2;

/** A setting of the environment is wrong: said setting by setting, exit code 1, as `npm start` does. */
export const CONFIGURATION_EXIT_CODE = 1;

/**
 * How every command starts: its arguments (readArguments throws UsageError; parseArgs's own
 * ERR_PARSE_ARGS_* errors count as usage errors too) and the configuration. When either is
 * bad, what is wrong is said in the staff's language and the exit code is returned: the
 * command then stops, having done nothing.
 */
export function startCommand<Options>(
  words: BackOfficeWords,
  usage: string,
  readArguments: () => Options,
): { options: Options; config: PortalConfig } | number {
  try {
    const options = readArguments();
    return { options, config: loadConfig() };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(words.configuration(error.problems));
      return CONFIGURATION_EXIT_CODE;
    }
    if (error instanceof UsageError || String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n${usage}`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}

/**
 * A path as the user typed it, resolved from where they typed the command: npm runs scripts
 * from the project's folder, and says where it was invoked in INIT_CWD.
 */
export function fromInvocationFolder(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

const LANGUAGE_OPTIONS: Record<string, Locale> = { zh: DEFAULT_LOCALE, 'zh-CN': DEFAULT_LOCALE, en: 'en' };

/**
 * The language the back office's commands speak: --lang zh|en, else the locale of the
 * environment as POSIX orders it (LC_ALL, LC_MESSAGES, LANG) when it is English, else
 * Chinese, the staff's language.
 */
export function commandLocale(argv: readonly string[], env: Record<string, string | undefined> = process.env): Locale {
  const index = argv.findIndex((argument) => argument === '--lang' || argument.startsWith('--lang='));
  const asked = index < 0 ? undefined : argv[index]!.startsWith('--lang=') ? argv[index]!.slice('--lang='.length) : argv[index + 1];
  if (asked !== undefined && asked in LANGUAGE_OPTIONS) return LANGUAGE_OPTIONS[asked]!;
  const environment = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en([_.@-]|$)/i.test(environment) ? 'en' : DEFAULT_LOCALE;
}

/** The option every back-office command takes. */
export const LANGUAGE_OPTION = { lang: { type: 'string' } } as const;

/** parseArgs, its errors said in the staff's language (its own are English). */
export function parseCommandArguments<Config extends ParseArgsConfig>(words: BackOfficeWords, config: Config): ReturnType<typeof parseArgs<Config>> {
  let parsed: ReturnType<typeof parseArgs<Config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const named = /'([^']+)'/.exec(message)?.[1]?.replace(/ .*$/, '') ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(words.arguments.unknownOption(named));
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(words.arguments.missingValue(named));
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(words.arguments.unexpected(named));
    throw error;
  }
  const lang = (parsed.values as { lang?: unknown }).lang;
  if (typeof lang === 'string' && !(lang in LANGUAGE_OPTIONS)) throw new UsageError(words.arguments.lang(lang));
  return parsed;
}

/** A database that could not take a write, as the dictionaries say it. */
export function unavailable(error: DomainError, waitMilliseconds: number): Unavailable {
  return { code: error.code, cause: String(error.cause ?? error.message), waitSeconds: Math.round(waitMilliseconds / 1000) };
}
