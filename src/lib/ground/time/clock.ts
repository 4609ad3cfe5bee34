/** The one source of "now": the system clock in production, a fixed instant in tests. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function fixedClock(instant: Date | string): Clock {
  const fixed = new Date(instant);
  return () => new Date(fixed);
}
