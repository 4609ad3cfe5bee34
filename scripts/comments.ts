/**
 * Comment handling for the certification body's staff, on PORTAL_DB:
 *   npm run comments -- export [--since DATE] [--body CODE] [--notice REFERENCE] --format csv|json --out FILE [--force]
 *   npm run comments -- exports
 *   npm run comments -- answer TRACKING [--status under-review|answered|rejected] [--reply "..."] [--publish]
 *   npm run comments -- purge --decided-before DATE
 * The export holds the submitters' names and contacts (personal information): it is
 * created readable by its owner only (mode 0600), and recorded in the audit table that
 * `exports` lists. Messages in Chinese unless --lang en or an English LANG. Exit code 0 on
 * success, 1 when it cannot be done (unknown tracking number, a busy database, …), 2 for a
 * usage error.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import {
  ANSWER_STATUSES,
  EXPORT_FORMATS,
  answerComment,
  erasePersonalData,
  exportComments,
  formatCommentExport,
  HandlingRefused,
  listCommentExports,
  recordCommentExport,
  type AnswerStatus,
  type ExportFilter,
  type ExportFormat,
  type HandlingProblem,
} from '../src/lib/back-office/comment-handling.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { connectDatabase } from '../src/lib/db/connect.ts';
import { isDatabaseUnavailable } from '../src/lib/db/storage.ts';
import type { DomainError } from '../src/lib/ground/errors.ts';
import { BACK_OFFICE_WORDS } from '../src/lib/i18n/back-office.ts';
import { beijingDate, isCalendarDate, startOfBeijingDay } from '../src/lib/ground/time/beijing.ts';
import { systemClock } from '../src/lib/ground/time/clock.ts';
import { parseBeijingDayOrInstant } from '../src/lib/ground/time/instant.ts';
import {
  commandLocale,
  fromInvocationFolder,
  LANGUAGE_OPTION,
  parseCommandArguments,
  startCommand,
  unavailable,
  UsageError,
  USAGE_EXIT_CODE,
} from './command.ts';

const words = BACK_OFFICE_WORDS[commandLocale(process.argv.slice(2))];
const CLI_STATUSES = ANSWER_STATUSES.map((status) => status.replace(/_/g, '-'));

type Command =
  | { name: 'export'; filter: ExportFilter; format: ExportFormat; out: string; force: boolean }
  | { name: 'exports' }
  | { name: 'answer'; trackingNumber: string; status: AnswerStatus | undefined; reply: string | undefined; publish: boolean }
  | { name: 'purge'; decidedBefore: string };

function readCommand(argv: string[], today: string): Command {
  const [name, ...args] = argv;
  if (name === 'export') {
    const { values } = parseCommandArguments(words, {
      args,
      options: {
        since: { type: 'string' },
        body: { type: 'string' },
        notice: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        ...LANGUAGE_OPTION,
      },
    });
    const format = values.format;
    if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(words.comments.format(EXPORT_FORMATS));
    if (!values.out) throw new UsageError(words.comments.outRequired);
    const since = values.since === undefined ? null : parseBeijingDayOrInstant(values.since);
    if (since === null && values.since !== undefined) throw new UsageError(words.comments.since(values.since));
    const filter = { since, bodyCode: values.body?.trim().toUpperCase() ?? null, noticeReference: values.notice?.trim() ?? null };
    return { name, filter, format: format as ExportFormat, out: values.out, force: values.force };
  }
  if (name === 'exports') {
    parseCommandArguments(words, { args, options: LANGUAGE_OPTION });
    return { name };
  }
  if (name === 'answer') {
    const { values, positionals } = parseCommandArguments(words, {
      args,
      options: { status: { type: 'string' }, reply: { type: 'string' }, publish: { type: 'boolean', default: false }, ...LANGUAGE_OPTION },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError(words.comments.oneTrackingNumber);
    const status = values.status?.replace(/-/g, '_');
    if (status !== undefined && !(ANSWER_STATUSES as readonly string[]).includes(status)) throw new UsageError(words.comments.status(CLI_STATUSES));
    if (status === undefined && values.reply === undefined && !values.publish)
      throw new UsageError(words.comments.refused.nothing_to_change({ code: 'nothing_to_change' }));
    return {
      name,
      trackingNumber: positionals[0]!,
      status: status as AnswerStatus | undefined,
      reply: values.reply,
      publish: values.publish,
    };
  }
  if (name === 'purge') {
    const { values } = parseCommandArguments(words, { args, options: { 'decided-before': { type: 'string' }, ...LANGUAGE_OPTION } });
    const date = values['decided-before'];
    if (date === undefined || !isCalendarDate(date) || date > today) throw new UsageError(words.comments.decidedBefore(date ?? ''));
    return { name, decidedBefore: date };
  }
  throw new UsageError(name ? words.comments.unknownCommand(name) : words.comments.noCommand);
}

/** Created with mode 0600 from the start (never chmod-ed later), so no one else can read it for a moment either. */
function writePrivateFile(path: string, content: string, force: boolean): void {
  if (force) rmSync(path, { force: true });
  const descriptor = openSync(path, 'wx', 0o600);
  try {
    writeSync(descriptor, content);
  } finally {
    closeSync(descriptor);
  }
}

/** Who ran the export, as the operating system knows them (a container's user may have no name). */
function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** What a command has not done when the database cannot take its first write. */
function notDone(command: Command): string {
  switch (command.name) {
    case 'export':
      return words.comments.notExported;
    case 'exports':
      return words.comments.nothingChanged;
    case 'answer':
      return words.comments.notChanged(command.trackingNumber);
    case 'purge':
      return words.comments.erasedSoFar({ comments: 0, notices: 0 });
  }
}

async function main(): Promise<number> {
  const now = systemClock();
  const started = startCommand(words, words.comments.usage(EXPORT_FORMATS, CLI_STATUSES), () => readCommand(process.argv.slice(2), beijingDate(now)));
  if (typeof started === 'number') return started;
  const { options: command, config } = started;
  const { writeWaitMilliseconds } = config;

  const db = connectDatabase(config);
  // What was not done when the database cannot take a write (bringing the schema up to date writes too).
  let consequence = notDone(command);
  try {
    await migrateToLatest(db);
    switch (command.name) {
      case 'export': {
        const comments = await exportComments(db, command.filter);
        const file = fromInvocationFolder(command.out);
        try {
          writePrivateFile(file, formatCommentExport(comments, command.format), command.force);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          console.log(words.comments.exists(command.out));
          return USAGE_EXIT_CODE;
        }
        consequence = words.comments.exportNotKept(command.out);
        try {
          await recordCommentExport(db, {
            exportedAt: now.toISOString(),
            osUser: operatingSystemUser(),
            filter: command.filter,
            format: command.format,
            commentCount: comments.length,
            file,
          });
        } catch (error) {
          // An export that is not in the audit table must not exist.
          rmSync(file, { force: true });
          throw error;
        }
        console.log(words.comments.exported(comments.length, command.out));
        return 0;
      }
      case 'exports': {
        const exports = await listCommentExports(db);
        console.log(
          exports.length === 0 ? words.comments.noExports : [words.comments.exportsHeading, ...exports.map(words.comments.exportLine)].join('\n'),
        );
        return 0;
      }
      case 'answer': {
        const comment = await answerComment(
          db,
          command.trackingNumber,
          {
            ...(command.status ? { status: command.status } : {}),
            ...(command.reply === undefined ? {} : { reply: command.reply }),
            publish: command.publish,
          },
          now,
        );
        console.log(words.comments.answered(comment));
        return 0;
      }
      case 'purge': {
        const erased = await erasePersonalData(
          db,
          startOfBeijingDay(command.decidedBefore),
          now,
          (count) => (consequence = words.comments.erasedSoFar(count)),
        );
        console.log(words.comments.erased(erased, command.decidedBefore));
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof HandlingRefused) {
      console.log((words.comments.refused[error.problem.code] as (problem: HandlingProblem) => string)(error.problem));
      return 1;
    }
    if (isDatabaseUnavailable(error)) {
      console.log(words.unavailable(unavailable(error as DomainError, writeWaitMilliseconds), consequence));
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
