import type { PortalDb } from '../../db/database.ts';
import { addDays, beijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';

const MINUTE_MS = 60_000;

/**
 * The stored instants at which a public page changes with no one writing: a window opens
 * or closes, a notice is published or decided, a certificate event takes effect. Each is
 * read from its index (the next value after now), a seek each.
 */
const SCHEDULED_INSTANTS = [
  ['notice', 'windowStart'],
  ['notice', 'windowEnd'],
  ['notice', 'publishedAt'],
  ['notice', 'decidedAt'],
  ['certificateEvent', 'occurredAt'],
] as const;

/** More distinct seconds-of-the-minute than this among open windows' ends: the next whole second is taken instead. */
const MOST_COUNTDOWN_PHASES = 100;

/**
 * The next instant at which any page may look different by the passing of time alone,
 * whatever is asked: the earliest of
 * - the next whole minute,
 * - the next tick of a countdown: "3 hours 12 minutes left" counts whole minutes to its
 *   window's end, so it changes at the end's second of every minute (whole minutes for the
 *   usual windows; read as the distinct seconds part of open windows' ends),
 * - the next midnight in Beijing (a certificate expires at the end of its last day),
 * - the next stored instant after `now` (see SCHEDULED_INSTANTS).
 * A page rendered at `now` stays right until then, unless someone writes.
 */
export async function nextChangeByTime(db: PortalDb, now: Date): Promise<Date> {
  const instant = now.toISOString();
  const nextMinute = (Math.floor(now.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  const nextMidnight = startOfBeijingDay(addDays(beijingDate(now), 1)).getTime();
  const scheduled = await Promise.all(
    SCHEDULED_INSTANTS.map(async ([table, column]) => {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.min<string | null>(column).as('next'))
        .where(column, '>', instant)
        .executeTakeFirst();
      return row?.next ? Date.parse(row.next) : Infinity;
    }),
  );
  return new Date(Math.min(nextMinute, nextMidnight, await nextCountdownTick(db, now), ...scheduled));
}

async function nextCountdownTick(db: PortalDb, now: Date): Promise<number> {
  const instant = now.toISOString();
  // "2026-05-09T09:00:30.000Z" from its 18th character: "30.000Z", the end's place within its minute.
  const phases = await db
    .selectFrom('notice')
    .select((eb) => eb.fn<string>('substr', [eb.ref('windowEnd'), eb.val(18)]).as('phase'))
    .distinct()
    .where('windowEnd', '>', instant)
    .where('windowStart', '<=', instant)
    .where('status', '!=', 'withdrawn')
    .limit(MOST_COUNTDOWN_PHASES + 1)
    .execute();
  if (phases.length > MOST_COUNTDOWN_PHASES) return (Math.floor(now.getTime() / 1000) + 1) * 1000;
  const minuteStart = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return Math.min(
    Infinity,
    ...phases.map(({ phase }) => {
      const offset = Math.round(Number.parseFloat(phase) * 1000);
      const tick = minuteStart + offset;
      return tick > now.getTime() ? tick : tick + MINUTE_MS;
    }),
  );
}
