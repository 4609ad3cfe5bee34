/** "notice" or "notices", as many as `count` says. */
export function noun(count: number, singular: string): string {
  return count === 1 ? singular : `${singular}s`;
}

/** "1 notice", "2 notices". */
export function counted(count: number, singular: string): string {
  return `${count} ${noun(count, singular)}`;
}
