/**
 * Comment handling for the certification body's staff, on PORTAL_DB:
 *   npm run comments -- export [--since DATE] --format csv|json --out FILE [--force]
 *   npm run comments -- answer TRACKING --status under-review|answered|rejected [--reply "..."] [--publish]
 * The export holds the submitters' names and contacts (personal information): it is
 * created readable by its owner only (mode 0600). Exit code 0 on success, 1 when the
 * comment cannot be answered (unknown tracking number, …), 2 for a usage error.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ANSWER_STATUSES, EXPORT_FORMATS, answerComment, exportComments, formatCommentExport, type AnswerStatus, type ExportFormat } from '../src/lib/comments/handling.ts';
import { COMMENT_STATUS_LABELS } from '../src/lib/comments/tracking.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { DomainError } from '../src/lib/errors.ts';
import { parseBeijingDayOrInstant } from '../src/lib/time/instant.ts';
import { systemClock } from '../src/lib/time/clock.ts';
import { fromInvocationFolder, startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';

const CLI_STATUSES = ANSWER_STATUSES.map((status) => status.replace(/_/g, '-'));
const USAGE = `Usage:
  npm run comments -- export [--since DATE] --format ${EXPORT_FORMATS.join('|')} --out FILE [--force]
      DATE: a Beijing date (2026-11-26, from 00:00 Beijing time) or an instant with its offset (2026-11-26T15:00:00+08:00)
  npm run comments -- answer TRACKING --status ${CLI_STATUSES.join('|')} [--reply "..."] [--publish]`;


type Command =
  | { name: 'export'; since: Date | null; format: ExportFormat; out: string; force: boolean }
  | { name: 'answer'; trackingNumber: string; status: AnswerStatus; reply: string | undefined; publish: boolean };

function readCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (name === 'export') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`export takes no ${positionals[0]}`);
    const format = values.format;
    if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}`);
    if (!values.out) throw new UsageError('--out FILE is required');
    const sinceText = values.since;
    const since = sinceText === undefined ? null : parseBeijingDayOrInstant(sinceText);
    if (since === null && sinceText !== undefined) {
      throw new UsageError(`--since must be a date (2026-11-26) or an instant with its offset (2026-11-26T15:00:00+08:00), not "${sinceText}"`);
    }
    return { name, since, format: format as ExportFormat, out: values.out, force: values.force };
  }
  if (name === 'answer') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { status: { type: 'string' }, reply: { type: 'string' }, publish: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('answer takes one tracking number');
    const status = values.status?.replace(/-/g, '_');
    if (!status || !(ANSWER_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${CLI_STATUSES.join(', ')}`);
    return { name, trackingNumber: positionals[0]!, status: status as AnswerStatus, reply: values.reply, publish: values.publish };
  }
  throw new UsageError(name ? `Unknown command "${name}": export or answer.` : 'Name a command: export or answer.');
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

async function main(): Promise<number> {
  const started = startCommand(USAGE, () => readCommand(process.argv.slice(2)));
  if (!started) return USAGE_EXIT_CODE;
  const { options: command, databasePath } = started;

  const db = openDatabase(databasePath);
  try {
    await migrateToLatest(db);
    if (command.name === 'export') {
      const comments = await exportComments(db, command.since);
      try {
        writePrivateFile(fromInvocationFolder(command.out), formatCommentExport(comments, command.format), command.force);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          console.error(`${command.out} exists already; give another file name, or --force to replace it.`);
          return 2;
        }
        throw error;
      }
      console.log(`Wrote ${comments.length} comments with their submitters' personal data to ${command.out} (readable by you only). Keep it for handling them, and delete it after.`);
      return 0;
    }

    const comment = await answerComment(db, command.trackingNumber, { status: command.status, reply: command.reply, publish: command.publish }, systemClock());
    console.log(
      `Comment ${comment.trackingNumber} on notice ${comment.notice.reference}: ${COMMENT_STATUS_LABELS[comment.status]} (${comment.status})` +
        `${comment.reply ? ', with a reply' : ''}${comment.published ? `, published on /notices/${comment.notice.id}` : ', not published'}.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
